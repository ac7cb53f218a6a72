import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from planner import reminders


def summary(outcomes):
    counts = {status: sum(n for (_, s), n in outcomes.items() if s == status) for status in reminders.Status}
    return (
        f"Reminders: {counts[reminders.Status.SENT]} sent, {counts[reminders.Status.FAILED]} failed "
        f"(tried again on the next run), {counts[reminders.Status.NOTHING]} with nothing to say."
    )


class Command(BaseCommand):
    help = (
        "Send the reminder emails due now: the morning digest and, on Mondays, the weekly summary, from 07:00 "
        "to noon in each person's time zone, to confirmed addresses that turned them on. Records each email in "
        "accounts.ReminderEmail before sending it, so running it again, or on two machines at once, sends "
        "nothing twice; failed emails are tried again on the next run. Run it every few minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="Keep running, sending what is due every SECONDS seconds (for a long-running process).",
        )

    def handle(self, *args, every=None, **options):
        if every is not None and every < 1:
            raise CommandError("--every needs a whole number of seconds above 0.")
        while True:
            self.stdout.write(summary(reminders.send_due()))
            if every is None:
                return
            # Between runs hold no database connection: the server may restart while we sleep.
            connections.close_all()
            time.sleep(every)
