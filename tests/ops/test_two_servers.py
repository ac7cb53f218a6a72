"""Two app servers, one PostgreSQL, one Redis: what one server writes, the other shows on the next request.

The servers share nothing but the database, Redis and the secret key, as a deployment's servers behind a
load balancer do. A sign-out on one must end the session on the other too, though the other may hold
the session in the cache: that is why the cache is Redis and not each server's own memory.
"""

import html
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import redis
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from planner import agenda, layout
from planner.models import PlanTopic
from tests.factories import PASSWORD, make_plan
from tests.servers import collect_static, gunicorn, production_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None  # a POST answers with its own status (302 where a form redirects), wherever it points


class Browser:
    """One browser: a cookie jar sent to every port of 127.0.0.1, as a load balancer's one address is."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        cookies = urllib.request.HTTPCookieProcessor(self.jar)
        self.opener = urllib.request.build_opener(cookies)
        self.poster = urllib.request.build_opener(cookies, NoRedirects)

    def get(self, url):
        with self.opener.open(url, timeout=10) as response:
            return response.url, response.read().decode()

    def post(self, url, data, form_page):
        """POST with the CSRF token of a form on form_page, as the page itself would."""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(form_page)[1]).group(1)
        body = urllib.parse.urlencode(data | {"csrfmiddlewaretoken": token}).encode()
        try:
            with self.poster.open(url, data=body, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def session_cookie(self):
        return next(cookie.value for cookie in self.jar if cookie.name == "sessionid")


def topics_done(browser, server):
    """What the plan list says: "3 of 583 topics done"."""
    _, page = browser.get(f"{server}/plans/")
    return int(re.search(r"(\d+) of \d+ topics done", page).group(1))


@pytest.fixture
def two_servers(redis_url, tmp_path):
    env = production_env(tmp_path / "static", REDIS_URL=redis_url)
    collect_static(env)
    with gunicorn(env) as a, gunicorn(env) as b:
        yield a, b


def signed_in(person, server):
    """A Browser signed in as person on server."""
    # The servers check passwords with the production hashers, not the tests' fast one.
    hasher = PBKDF2PasswordHasher()
    person.password = hasher.encode(PASSWORD, hasher.salt())
    person.save(update_fields=["password"])
    browser = Browser()
    credentials = {"username": person.email, "password": PASSWORD}
    assert browser.post(f"{server}/accounts/login/", credentials, f"{server}/accounts/login/") == 302
    return browser


def test_two_servers_see_each_others_writes_and_sign_outs(two_servers, alice, catalog):
    a, b = two_servers
    make_plan(alice, start_date=date.today(), steps={"step2ck": date.today() + timedelta(days=120)})
    first, second = PlanTopic.objects.filter(milestone__plan__owner=alice).order_by("position")[:2]
    browser = signed_in(alice, a)
    assert browser.get(f"{b}/plans/")[0] == f"{b}/plans/", "the session made on A is not valid on B"

    assert browser.post(f"{a}/topics/{first.pk}/toggle/", {"done": "1"}, f"{a}/plans/") == 302
    assert topics_done(browser, b) == 1
    assert browser.post(f"{b}/topics/{second.pk}/toggle/", {"done": "1"}, f"{b}/plans/") == 302
    assert topics_done(browser, a) == 2

    cookie = browser.session_cookie()
    assert browser.post(f"{b}/accounts/logout/", {}, f"{b}/plans/") == 302
    stolen = urllib.request.Request(f"{a}/plans/", headers={"Cookie": f"sessionid={cookie}"})
    with urllib.request.urlopen(stolen, timeout=10) as response:
        assert "/accounts/login/" in response.url, "the session signed out on B still works on A"


def cached_figures(redis_url, page):
    return redis.Redis.from_url(redis_url).keys(f"*figures:{page}:*")


def page_says(browser, url, pattern):
    return re.search(pattern, html.unescape(browser.get(url)[1])).group(1)


def test_the_cached_pages_show_a_write_made_on_the_other_server_at_once(two_servers, redis_url, alice, catalog):
    a, b = two_servers
    # Alice's day, in her time zone; the plan started yesterday and has study hours every day.
    today = datetime.now(ZoneInfo(alice.time_zone)).date()
    plan = make_plan(
        alice,
        start_date=today - timedelta(days=1),
        steps={"step2ck": today + timedelta(days=120)},
        weekly_hours=(6,) * 7,
    )
    stored = layout.StoredPlan(plan, list(plan.milestones.all()), today)
    task = next(row for row in agenda.day_rows(stored, today, stored.tasks_between(today, today)) if row.is_tracked)
    topic = PlanTopic.objects.filter(milestone__plan=plan).order_by("position").first()
    browser = signed_in(alice, a)
    done_today = r"(\d+) of \d+ tasks? done today"
    done_topics = r"(\d+) of \d+ topics done"

    # Computed on one server, the figures are in Redis and the other serves them.
    assert page_says(browser, f"{a}/today/", done_today) == "0"
    assert page_says(browser, f"{b}/dashboard/", done_topics) == "0"
    assert cached_figures(redis_url, "today")
    assert cached_figures(redis_url, "dashboard")
    assert page_says(browser, f"{b}/today/", done_today) == "0"
    assert page_says(browser, f"{a}/dashboard/", done_topics) == "0"

    task_data = {"plan_resource": task.resource_id, "area": task.area_id or "", "day": str(today), "done": "1"}
    assert browser.post(f"{b}/milestones/{task.milestone.pk}/tasks/", task_data, f"{b}/today/") == 302
    assert page_says(browser, f"{a}/today/", done_today) == "1"

    assert browser.post(f"{a}/topics/{topic.pk}/toggle/", {"done": "1"}, f"{a}/today/") == 302
    assert page_says(browser, f"{b}/dashboard/", done_topics) == "1"
