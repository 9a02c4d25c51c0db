"""Onboarding a lead in a real browser: the admin creates Jane Moran's sign-in from her
officer page, and she follows the emailed link, chooses a password and signs in.

The live server runs in this process, so the email is read from Django's test outbox.
"""

import re

import pytest
from playwright.sync_api import expect

from actionplans.models import Officer
from tests.browser.conftest import watch

pytestmark = pytest.mark.browser


def test_an_admin_gives_a_lead_a_sign_in_and_the_lead_signs_in(
    demo, browser, sign_in, live_server, settings, mailoutbox, assert_accessible
):
    # Links in emails are built from SITE_URL: here, the test's own server.
    settings.SITE_URL = live_server.url
    officer = Officer.objects.get(
        organisation__name="Leeds City Council", name="Jane Moran"
    )
    assert officer.user is None
    officer.email = "jane.moran@leeds.example"
    officer.save()

    admin = sign_in("admin")
    admin.goto("/admin/actionplans/officer/?q=Jane+Moran")
    admin.get_by_role("link", name="Jane Moran", exact=True).click()
    admin.get_by_role("link", name="Create sign-in account").click()
    expect(
        admin.get_by_role("heading", name=re.compile("Create a sign-in account"))
    ).to_be_visible()
    expect(admin.get_by_text("They will see 1 plan")).to_be_visible()
    expect(admin.get_by_label("Email")).to_have_value("jane.moran@leeds.example")
    admin.get_by_role("button", name="Create the account and send the email").click()
    expect(
        admin.get_by_text("now signs in as jane.moran@leeds.example")
    ).to_be_visible()
    expect(
        admin.get_by_role("link", name="Signs in as jane.moran@leeds.example")
    ).to_be_visible()

    [email] = [m for m in mailoutbox if m.to == ["jane.moran@leeds.example"]]
    link = re.search(re.escape(live_server.url) + r"/accounts/reset/\S+", email.body)
    assert link is not None, email.body

    lead = watch(
        browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    )
    lead.goto(link.group())
    expect(lead.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert_accessible(lead, "choose a password from the onboarding email")
    password = "Safeguarding-Partners-2009"
    lead.get_by_label("New password", exact=True).fill(password)
    lead.get_by_label("New password confirmation").fill(password)
    lead.get_by_role("button", name="Save the new password").click()
    expect(
        lead.get_by_role("heading", name="Your new password is saved")
    ).to_be_visible()
    lead.get_by_role("link", name="Sign in").click()
    lead.get_by_label("Username").fill("jane.moran@leeds.example")
    lead.get_by_label("Password").fill(password)
    lead.get_by_role("button", name="Sign in").click()
    expect(lead.get_by_role("heading", name="My actions")).to_be_visible()
    assert_accessible(lead, "a new lead's my actions")
    lead.context.close()
