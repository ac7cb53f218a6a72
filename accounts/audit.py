"""One log line per security event on the "usmleprep.security" logger, with the account id and the client address.

Never log passwords, tokens or session keys here.
"""

import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger("usmleprep.security")


def client_address(request):
    """The address the request came from; behind our TLS proxy, the one the proxy saw.

    The proxy appends the address it saw to X-Forwarded-For, so only the last entry is trustworthy:
    earlier ones are whatever the client sent.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_TLS_PROXY:
        address = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip() or address
    try:
        # A zone ("fe80::1%eth0") is local detail and would make one address look like many.
        return str(ipaddress.ip_address(address.split("%")[0]))
    except ValueError:
        return "unknown"


def log_event(request, event, user=None, level=logging.INFO, **details):
    fields = {"account": user.pk if user is not None else "-", "address": client_address(request), **details}
    logger.log(level, "%s %s", event, " ".join(f"{name}={value}" for name, value in fields.items()))
