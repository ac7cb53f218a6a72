from datetime import timedelta

from django.utils.dateformat import format as format_date

# Every date a person reads, in pages, messages and emails, in one of these forms; always with its year,
# since a plan spans years. The templates' `|human` filter (usmleprep/templatetags/dates.py) uses them too.
DATE_STYLES = {
    "date": "j M Y",  # 3 Mar 2027
    "weekday": "D j M Y",  # Wed 3 Mar 2027
    "full": "j F Y",  # 3 March 2027
    "long": "l j F Y",  # Wednesday 3 March 2027
    "month": "F Y",  # March 2027
}


def human(day, style="date"):
    """A date as people read it: 3 Mar 2027, or another of DATE_STYLES."""
    return format_date(day, DATE_STYLES[style])


def monday_of(day):
    return day - timedelta(days=day.weekday())
