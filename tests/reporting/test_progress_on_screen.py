"""The reports on screen: the progress report as one block per action (or as a table by
a plain link), and the summary's overview and risks first. The PDF keeps its layout."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from reporting import rendering
from reporting.selectors import Kind, period_report_build
from tests.reporting.test_views import SIGN_OUT_SCRIPT

pytestmark = pytest.mark.django_db


def _page(client, plan, kind="progress", **params) -> str:
    url = reverse("reporting:report", args=[plan.slug, kind])
    return client.get(url, {"period": "2009-08", **params}).content.decode()


def _block(page: str, action) -> str:
    """An action's block of the block view."""
    return page.split(f'id="report-action-{action.pk}"')[1].split("</article>")[0]


def test_the_progress_report_reads_as_one_block_per_action(client, small_plan, viewer):
    client.force_login(viewer)
    page = _page(client, small_plan.plan)
    assert "progress-table" not in page
    assert page.count('<article class="item-block') == 3  # 1.1, 4.2, 4.3
    block = _block(page, small_plan.a42)
    # Its milestones inside it, each with its own status and narrative.
    assert block.count('class="item-block item-block--milestone') == 2
    assert "4.2 (b)" in block and "Report shared with the Safeguarding Board." in block
    a43 = _block(page, small_plan.a43)
    for text in [
        "This month",
        "(Aug 2009)",
        'tag tag--red">Red</span>',
        "Last month",
        'tag tag--amber">Amber</span>',
        "deteriorating",
        "Plan finish</dt><dd>Jul 2009",
        "Richard Graham (QA Manager)",
        "Chief Officer (Resources)",
        "<dt>Risk</dt><dd>Staff seconded to Swine Flu duties.",
    ]:
        assert text in a43, text


def test_the_table_view_is_a_plain_link_away_and_keeps_the_filters(
    client, small_plan, viewer
):
    client.force_login(viewer)
    url = reverse("reporting:report", args=[small_plan.plan.slug, "progress"])
    blocks = _page(client, small_plan.plan, recommendation="4")
    table_link = f"{url}?recommendation=4&amp;period=2009-08&amp;view=table"
    assert f'<a href="{table_link}">Table, for wide screens</a>' in blocks
    assert 'aria-current="page">One block per action</a>' in blocks
    table = _page(client, small_plan.plan, recommendation="4", view="table")
    assert 'class="table progress-table"' in table and "item-block" not in table
    assert 'aria-current="page">Table, for wide screens</a>' in table
    # The filter form keeps the layout when it is submitted again.
    assert '<input type="hidden" name="view" value="table">' in table
    assert 'style="' not in table
    # No script of the report's own: only the site-wide sign-out enhancement.
    assert re.findall(r"<script[^>]*>", table) == [SIGN_OUT_SCRIPT]


def test_an_unknown_view_is_the_block_view(client, small_plan, viewer):
    client.force_login(viewer)
    page = _page(client, small_plan.plan, view="cards")
    assert '<article class="item-block' in page and "progress-table" not in page


def test_the_pdf_is_the_table_whatever_the_screen_shows(small_plan):
    report = period_report_build(plan=small_plan.plan, month=small_plan.august.month)
    html = rendering.report_print_html(report)
    assert 'class="table progress-table"' in html and "item-block" not in html


def test_each_layout_of_a_closed_month_is_cached_apart(client, small_plan, viewer):
    client.force_login(viewer)
    report = period_report_build(plan=small_plan.plan, month=small_plan.august.month)
    table = rendering.report_body_cache_key(report, rendering.Layout.TABLE)
    blocks = rendering.report_body_cache_key(report, rendering.Layout.BLOCKS)
    assert table != blocks
    _page(client, small_plan.plan, view="table")
    assert "progress-table" in cache.get(table) and cache.get(blocks) is None
    assert "item-block" in _page(client, small_plan.plan)  # not the cached table
    assert "item-block" in cache.get(blocks)


def test_the_exceptions_blocks_say_why_each_item_is_listed(client, small_plan, viewer):
    client.force_login(viewer)
    page = _page(client, small_plan.plan, "exceptions")
    assert page.count('<article class="item-block') == 1  # 4.3 only
    assert '<ul class="reasons" aria-label="Why it is listed"><li>Red</li>' in page


def test_the_summary_on_screen_puts_the_overview_and_risks_first(
    client, small_plan, viewer
):
    small_plan.august.overview = "All actions progressing."
    small_plan.august.risks = "Swine flu."
    small_plan.august.save()
    client.force_login(viewer)
    page = _page(client, small_plan.plan, "summary")
    order = [
        "<h2>Overview</h2>",
        "All actions progressing.",
        "<h2>Risks</h2>",
        "Swine flu.",
        "<h3>Completed this period</h3>",
        "<h2>Amendments to the action plan</h2>",
        "Items by status",
    ]
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)
    assert page.count("<h2>Overview</h2>") == 1
    assert "layout-switch" not in page  # the summary has one layout


def test_the_summary_pdf_keeps_the_lists_before_the_overview(small_plan):
    report = period_report_build(
        plan=small_plan.plan, kind=Kind.SUMMARY, month=small_plan.august.month
    )
    html = rendering.report_print_html(report)
    assert html.count("<h2>Overview</h2>") == 1
    assert (
        html.index("<h3>Completed this period</h3>")
        < html.index("<h2>Overview</h2>")
        < html.index("<h2>Amendments to the action plan</h2>")
    )
