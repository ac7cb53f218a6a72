"""Keep the secret of calendar-feed and share addresses out of log lines.

Loaded by the LOGGING setting before the apps are ready, so it imports nothing of Django's models.
"""

import logging
import re

TOKEN_IN_PATH = re.compile(r"(/calendar/)[^/\s\"'?#]+(\.ics)|(/shared/)[^/\s\"'?#]+")


def hide_tokens(text):
    return TOKEN_IN_PATH.sub(
        lambda m: f"{m.group(1)}[token]{m.group(2)}" if m.group(1) else f"{m.group(3)}[token]", text
    )


class HideLinkTokens(logging.Filter):
    """Replace the token of feed and share addresses with "[token]" in a log record's message.

    Django logs the path of every 404 and 5xx on "django.request" ("Not Found: /calendar/….ics").
    """

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = hide_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(hide_tokens(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: hide_tokens(v) if isinstance(v, str) else v for key, v in record.args.items()}
        return True
