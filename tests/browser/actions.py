"""What alice does in the browser again and again, and the dates she sees."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.factories import PASSWORD


def sign_in(page, email="alice@example.com"):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/today/$"))


def alices_today():
    # The live server runs on the real clock; the pages and forms take today in New York, alice's time zone.
    return datetime.now(ZoneInfo("America/New_York")).date()


def months_after(day, months):
    years, month = divmod(day.month - 1 + months, 12)
    return date(day.year + years, month + 1, min(day.day, 28))
