import zoneinfo

from django.utils import timezone


def user_time_zone(get_response):
    """Show times and compute "today" in the signed-in person's own time zone."""

    def middleware(request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
        else:
            timezone.deactivate()
        return get_response(request)

    return middleware
