"""The Dudley plan's progress report in its own layout (No., Key actions, Responsible
manager, Timescale, Progress report, Outcomes, under its sections) in Chromium, at a
laptop's width and a phone's, and the page where a coordinator chooses a layout."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from actionplans.models import ActionPlan

pytestmark = pytest.mark.browser

REPORT = "/plans/dudley-cqc/reports/progress/"
DUDLEY_HEADINGS = [
    "No.",
    "Key actions",
    "Responsible manager",
    "Timescale",
    "Progress report",
    "Outcomes for users and carers",
]


def _screenshot(page, name: str) -> None:
    """Saved only where SCREENSHOT_DIR names a folder, to look at the pages by eye."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _no_page_scroll(page, what: str) -> None:
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{what}: {scroll_width} > {inner_width}"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_dudley_report_has_dudleys_columns_and_sections(
    demo, sign_in, width, assert_accessible
):
    admin = sign_in("admin")
    admin.set_viewport_size({"width": width, "height": 900})
    admin.goto(f"{REPORT}?view=table")
    table = admin.locator(".progress-table").first
    headings = table.locator("thead th")
    expect(headings).to_have_count(len(DUDLEY_HEADINGS))
    for index, heading in enumerate(DUDLEY_HEADINGS):
        expect(headings.nth(index)).to_have_text(heading)
    expect(admin.locator("th", has_text="Chief officer")).to_have_count(0)
    expect(
        admin.get_by_role(
            "heading", level=2, name="II IMPROVED QUALITY OF LIFE FOR OLDER PEOPLE"
        )
    ).to_be_visible()
    expect(admin.locator(".rec-group__heading").first).to_contain_text(
        "Recommendation 1:"
    )
    # Timescales as written, and a cross-reference that leads to its action.
    expect(admin.locator("td", has_text="Commenced and ongoing").first).to_be_visible()
    _screenshot(admin, f"layouts-dudley-table-{width}")
    row = admin.locator("tr", has=admin.locator("th", has_text="15.1")).first
    row.get_by_role("link", name="action 12.1").click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text("12.1")

    admin.goto(REPORT)
    block = admin.locator("article.item-block").first
    for label in ["Responsible manager", "Timescale", "Progress report"]:
        expect(block.locator("dt", has_text=label).first).to_be_visible()
    expect(admin.locator("dt", has_text="Chief officer")).to_have_count(0)
    expect(block.get_by_role("heading", level=4)).to_be_visible()
    _no_page_scroll(admin, f"Dudley blocks at {width} px")
    _screenshot(admin, f"layouts-dudley-blocks-{width}")
    assert_accessible(admin, f"Dudley progress report, blocks, {width} px")
    admin.goto(f"{REPORT}?view=table")
    assert_accessible(admin, f"Dudley progress report, table, {width} px")


def test_a_coordinator_chooses_the_dudley_layout_for_leeds(
    demo, sign_in, assert_accessible
):
    coordinator = sign_in("coordinator")
    coordinator.set_viewport_size({"width": 1280, "height": 900})
    coordinator.goto("/plans/leeds-iwc/")
    coordinator.get_by_role("link", name="Report layout").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Report layout")
    assert_accessible(coordinator, "report layout page")
    _screenshot(coordinator, "layouts-page-1280")

    # A custom layout without the action is refused, with the field named.
    coordinator.get_by_label("Custom: the columns ticked below").check()
    coordinator.get_by_label("Action (required)").uncheck()
    coordinator.get_by_role("button", name="Save layout").click()
    expect(coordinator.locator(".error-summary")).to_contain_text(
        "Tick Action: every layout shows it."
    )
    assert_accessible(coordinator, "report layout page with an error")

    coordinator.get_by_label("Dudley (seed 002").check()
    coordinator.get_by_label("Group recommendations under their sections").check()
    coordinator.get_by_role("button", name="Save layout").click()
    expect(coordinator.locator("[role=status]").first).to_contain_text(
        "The report layout is saved."
    )
    plan = ActionPlan.objects.get(slug="leeds-iwc")
    assert plan.report_columns[:2] == ["number", "action"]
    assert plan.report_by_section is True
