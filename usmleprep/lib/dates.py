from datetime import timedelta

from django.utils.dateformat import format as format_date


def human(day):
    """A date as people read it in messages: 3 Mar 2027."""
    return format_date(day, "j M Y")


def monday_of(day):
    return day - timedelta(days=day.weekday())
