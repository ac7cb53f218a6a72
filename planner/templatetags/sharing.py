"""{% sharing_box plan %}: the plan page's box for the calendar feed and the share link (planner/feeds.py)."""

from django import template
from django.utils import timezone

from planner import feeds

register = template.Library()


@register.inclusion_tag("planner/_sharing.html", takes_context=True)
def sharing_box(context, plan):
    # An inclusion tag renders in a context of its own: the forms in the box need the page's CSRF token.
    return feeds.sharing_box(plan, timezone.localdate()) | {"csrf_token": context.get("csrf_token")}
