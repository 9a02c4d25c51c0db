"""The Leeds reports on screen at a laptop's width (1366 px) and a phone's (390 px): one
block per action, the table view with its number column in view, the draft one click
away, no return shown as such, and no WCAG violations."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from actionplans import services
from actionplans.models import ReportingPeriod

pytestmark = pytest.mark.browser

REPORTS = "/plans/leeds-iwc/reports/"
WIDTHS = [1366, 390]


def _at_width(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})


def _assert_no_page_scroll(page, what: str) -> None:
    """Nothing makes the page itself scroll sideways (a table scrolls in its region)."""
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{what}: {scroll_width} > {inner_width}"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_progress_report_reads_as_blocks_and_opens_on_the_closed_month(
    demo, sign_in, width, assert_accessible
):
    viewer = sign_in("viewer")
    _at_width(viewer, width)
    viewer.goto(f"{REPORTS}progress/")
    expect(viewer.locator(".report-heading__period")).to_have_text("August 2009")
    expect(viewer.locator(".draft-banner")).to_have_count(0)
    blocks = viewer.locator("article.item-block")
    assert blocks.count() > 20
    first = blocks.first
    expect(first.get_by_role("heading", level=3)).to_be_visible()
    for label in ["This month", "Last month", "Plan finish", "Lead", "Progress"]:
        expect(first.locator("dt", has_text=label).first).to_be_visible()
    expect(viewer.locator(".progress-table")).to_have_count(0)
    _assert_no_page_scroll(viewer, f"progress report at {width} px")
    assert_accessible(viewer, f"progress report, blocks, {width} px")

    viewer.get_by_role(
        "link", name="See the draft for September 2009 (open, not yet signed off)"
    ).click()
    expect(viewer.locator(".report-heading__period")).to_have_text("September 2009")
    expect(viewer.locator(".draft-banner")).to_contain_text("DRAFT")
    assert "period=2009-09" in viewer.url
    _assert_no_page_scroll(viewer, f"draft progress report at {width} px")
    viewer.get_by_role("link", name="See August 2009, the latest closed month").click()
    expect(viewer.locator(".report-heading__period")).to_have_text("August 2009")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_table_view_keeps_the_number_in_view_while_it_scrolls_sideways(
    demo, sign_in, width, assert_accessible
):
    viewer = sign_in("viewer")
    _at_width(viewer, width)
    viewer.goto(f"{REPORTS}progress/?period=2009-08")
    viewer.get_by_role("link", name="Table, for wide screens").click()
    assert "view=table" in viewer.url
    region = viewer.locator(".table-scroll").first
    number = region.locator("tbody th").first
    aim = region.locator("tbody td").first
    expect(number).to_be_visible()
    before = aim.bounding_box()["x"]
    region.evaluate("el => { el.scrollLeft = 900; }")
    viewer.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
    box, cell = region.bounding_box(), number.bounding_box()
    # The number stays at the region's left edge; the cells beside it moved away.
    assert abs(cell["x"] - box["x"]) <= 1
    assert aim.bounding_box()["x"] < before - 100
    assert number.evaluate("el => getComputedStyle(el).position") == "sticky"
    _assert_no_page_scroll(viewer, f"table view at {width} px")
    assert_accessible(viewer, f"progress report, table, {width} px")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_summary_and_index_fit_and_lead_with_the_narrative(
    demo, sign_in, width, assert_accessible
):
    viewer = sign_in("viewer")
    _at_width(viewer, width)
    viewer.goto(REPORTS)
    latest = viewer.locator(".latest-reports")
    expect(latest).to_contain_text("August 2009 is the latest closed month")
    expect(
        latest.get_by_role(
            "link", name="See the draft for September 2009 (open, not yet signed off)"
        )
    ).to_be_visible()
    _assert_no_page_scroll(viewer, f"report index at {width} px")
    assert_accessible(viewer, f"report index, {width} px")

    latest.get_by_role("link", name="Summary report, August 2009").click()
    headings = viewer.locator(".report h2").all_inner_texts()
    assert headings.index("Overview") < headings.index("Risks")
    assert headings.index("Risks") < headings.index("This period: August 2009")
    _assert_no_page_scroll(viewer, f"summary at {width} px")
    assert_accessible(viewer, f"summary report, {width} px")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_chief_officer_sees_no_return_beside_the_carried_status(
    demo, sign_in, width, assert_accessible
):
    """September closed with most returns missing: its report says so, item by item."""
    coordinator = get_user_model().objects.get(username="coordinator")
    september = ReportingPeriod.objects.get(plan__slug="leeds-iwc", month__month=9)
    services.period_close(period=september, user=coordinator)

    chief = sign_in("chief")
    _at_width(chief, width)
    chief.goto(f"{REPORTS}progress/")
    expect(chief.locator(".report-heading__period")).to_have_text("September 2009")
    block = chief.locator("article.item-block").first
    expect(
        block.get_by_text("No return – carried forward from August 2009").first
    ).to_be_visible()
    expect(block.get_by_text("Last written in August 2009:").first).to_be_visible()
    _assert_no_page_scroll(chief, f"progress report with no returns at {width} px")
    assert_accessible(chief, f"progress report with no returns, {width} px")
