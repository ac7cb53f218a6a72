import zoneinfo

from django.utils import timezone
from django.utils.cache import patch_cache_control

from accounts import sessions


def session_lifetime(get_response):
    """End sessions past their 30 days, and keep the idle expiry and the list of sessions up to date."""

    def middleware(request):
        if request.user.is_authenticated:
            sessions.keep_alive(request)
        return get_response(request)

    return middleware


def private_pages(get_response):
    """Keep signed-in pages out of every cache, so a shared computer's browser keeps none after sign-out."""

    def middleware(request):
        response = get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware


def user_time_zone(get_response):
    """Show times and compute "today" in the signed-in person's own time zone."""

    def middleware(request):
        user = getattr(request, "user", None)
        zone = zoneinfo.ZoneInfo(user.time_zone) if user is not None and user.is_authenticated else None
        # For this request only: whatever the thread runs next starts in the default time zone.
        with timezone.override(zone):
            return get_response(request)

    return middleware
