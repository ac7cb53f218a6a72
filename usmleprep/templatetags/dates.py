"""{{ day|human }} (3 Mar 2027), {{ day|human:"weekday" }}, {{ day|human:"long" }}, {{ day|human:"month" }}.

A built-in of every template (settings.TEMPLATES), so the date formats live in one place: usmleprep/lib/dates.py.
"""

from django import template

from usmleprep.lib import dates

register = template.Library()


@register.filter
def human(day, style="date"):
    return dates.human(day, style) if day else ""
