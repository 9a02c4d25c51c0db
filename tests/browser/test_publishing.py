"""Publishing the Leeds plan, as its coordinator and a member of the public meet it in
Chromium: the coordinator publishes through the pages; a visitor with no account reaches
August 2009 by keyboard alone, and reads no risk narrative and no officer name of the
internal report. The publishing page and both public pages have no WCAG violations."""

import datetime
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actionplans.models import ActionPlan
from reporting.selectors import Kind, period_report_build
from tests.browser.conftest import watch

pytestmark = pytest.mark.browser

AUGUST = datetime.date(2009, 8, 1)
# Screenshots for a person to look at, at desktop and phone widths.
SHOTS = Path(tempfile.gettempdir())
SIZES = [
    ("1280", {"width": 1280, "height": 900}),
    ("390", {"width": 390, "height": 844}),
]


def _internal_texts(plan: ActionPlan) -> list[str]:
    """Every risk narrative and officer name of the internal August report."""
    report = period_report_build(plan=plan, kind=Kind.PROGRESS, month=AUGUST)
    texts = {report.period.risks.strip()} if report.period.risks.strip() else set()
    for block in report.blocks:
        for item in [block.action, *block.milestones]:
            risk = item.this_month.risk_shown.strip() if item.this_month else ""
            # Sentences, not a word such as "COMPLETED" that progress also writes.
            if len(risk) >= 30:
                texts.add(risk)
            # Named people, as the report writes them and alone. An officer that is a
            # role only ("Adult Safeguarding Board") is named in the actions' own words.
            for person in [*item.leads, *item.chief_officers]:
                if person.short_name:
                    texts |= {person.name, person.short_name}
    return sorted(texts)


def test_coordinator_publishes_and_a_visitor_reads_august_2009(
    demo, browser, sign_in, live_server, assert_accessible
):
    coordinator = sign_in("coordinator")
    coordinator.set_viewport_size(SIZES[0][1])
    coordinator.goto(reverse("actionplans:plan_detail", args=["leeds-iwc"]))
    coordinator.get_by_role("link", name="Publishing").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Publishing")
    expect(coordinator.get_by_text("Risk narratives: not published")).to_be_visible()
    assert_accessible(coordinator, "the publishing page")
    coordinator.screenshot(path=SHOTS / "publishing_settings_1280.png", full_page=False)
    coordinator.get_by_role("button", name="Publish").click()
    expect(
        coordinator.get_by_text("Confirm that you have checked").first
    ).to_be_visible()
    coordinator.get_by_label("I have checked what the public will see").check()
    coordinator.get_by_role("button", name="Publish").click()
    expect(coordinator.get_by_role("status").first).to_contain_text("Published")
    plan = ActionPlan.objects.get(slug="leeds-iwc")
    assert plan.is_published
    assert_accessible(coordinator, "the publishing page of a published plan")

    visitor = watch(
        browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    )
    visitor.set_viewport_size(SIZES[0][1])
    visitor.goto(reverse("publishing:public_plan", args=["leeds-iwc"]))
    expect(visitor.get_by_role("heading", level=1)).to_have_text(plan.title)
    expect(
        visitor.get_by_text(f"Published {plan.published_at:%-d %B %Y}")
    ).to_be_visible()
    assert_accessible(visitor, "the public plan page")
    for width, size in SIZES:
        visitor.set_viewport_size(size)
        visitor.screenshot(path=SHOTS / f"publishing_plan_{width}.png")
    visitor.set_viewport_size(SIZES[0][1])

    # Keyboard only: Tab from the top of the page reaches the month's link.
    august = visitor.get_by_role("link", name="August 2009")
    for _ in range(10):
        visitor.keyboard.press("Tab")
        if august.evaluate("link => link === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the August 2009 link")
    visitor.keyboard.press("Enter")
    expect(visitor).to_have_url(f"{live_server.url}/public/leeds-iwc/2009-08/")
    expect(
        visitor.get_by_text("Progress as at the end of August 2009.")
    ).to_be_visible()
    assert "Sign in" not in visitor.content()
    assert_accessible(visitor, "the public month page")

    html = visitor.content()
    internal = _internal_texts(plan)
    assert internal, "the demo's August has risks and officers to keep back"
    for text in internal:
        assert text not in html, text
    # The open month never shows.
    response = visitor.goto(
        reverse("publishing:public_month", args=["leeds-iwc", "2009-09"])
    )
    assert response.status == 404
    visitor.goto(reverse("publishing:public_month", args=["leeds-iwc", "2009-08"]))
    progress = visitor.locator("#progress-heading")
    for width, size in SIZES:
        visitor.set_viewport_size(size)
        visitor.evaluate("window.scrollTo(0, 0)")
        visitor.screenshot(path=SHOTS / f"publishing_month_{width}.png")
        progress.scroll_into_view_if_needed()
        visitor.screenshot(path=SHOTS / f"publishing_progress_{width}.png")
    visitor.emulate_media(media="print")
    visitor.set_viewport_size(SIZES[0][1])
    visitor.evaluate("window.scrollTo(0, 0)")
    visitor.screenshot(path=SHOTS / "publishing_month_print.png")
    visitor.context.close()
