"""Reports open on the latest closed month, with the open month's draft one click away
(and the way back), by the rules of ReportingPeriod.pick_reported and pick_current."""

import datetime

import pytest
from django.urls import reverse

from actionplans.models import ReportingPeriod
from reporting.selectors import (
    Kind,
    dashboard_build,
    other_months,
    period_report_build,
)
from tests import factories

pytestmark = pytest.mark.django_db

AUGUST = datetime.date(2009, 8, 1)
SEPTEMBER = datetime.date(2009, 9, 1)
DRAFT_LINK = "See the draft for September 2009 (open, not yet signed off)"
CLOSED_LINK = "See August 2009, the latest closed month"


def _months(periods, shown=None) -> tuple:
    others = other_months(list(periods), shown=shown)
    return (
        others.draft.month if others.draft else None,
        others.latest_closed.month if others.latest_closed else None,
    )


def test_the_default_month_is_the_latest_closed_and_the_draft_is_linked(small_plan):
    report = period_report_build(plan=small_plan.plan, kind=Kind.PROGRESS)
    assert report.period.month == AUGUST and not report.is_draft
    assert report.other_months.draft.month == SEPTEMBER
    assert report.other_months.latest_closed is None  # it is the month shown


def test_the_draft_links_back_to_the_latest_closed_month(small_plan):
    report = period_report_build(plan=small_plan.plan, month=SEPTEMBER)
    assert report.is_draft
    assert report.other_months.draft is None
    assert report.other_months.latest_closed.month == AUGUST


def test_an_earlier_closed_month_links_to_both(small_plan):
    report = period_report_build(plan=small_plan.plan, month=datetime.date(2009, 7, 1))
    assert _months(small_plan.plan.periods.all(), report.period.month) == (
        SEPTEMBER,
        AUGUST,
    )


def test_a_plan_with_only_an_open_month_shows_its_draft_with_nothing_to_link():
    plan = factories.make_plan()
    factories.make_period(plan, 2009, 9)
    report = period_report_build(plan=plan)
    assert report.period.month == SEPTEMBER and report.is_draft
    assert _months(plan.periods.all(), SEPTEMBER) == (None, None)


def test_a_plan_with_every_month_closed_has_no_draft():
    plan = factories.make_plan()
    for month in [7, 8]:
        factories.make_period(plan, 2009, month, state=ReportingPeriod.State.CLOSED)
    assert _months(plan.periods.all(), AUGUST) == (None, None)
    assert _months(plan.periods.all()) == (None, AUGUST)


def test_the_dashboard_opens_on_the_latest_closed_month_with_the_draft_linked(
    small_plan,
):
    dashboard = dashboard_build(plan=small_plan.plan)
    assert dashboard.period.month == AUGUST
    assert dashboard.other_months.draft.month == SEPTEMBER


def test_the_report_page_links_to_the_draft_keeping_filters_and_layout(
    client, small_plan, viewer
):
    client.force_login(viewer)
    url = reverse("reporting:report", args=[small_plan.plan.slug, "progress"])
    page = client.get(url, {"recommendation": "4", "view": "table"}).content.decode()
    assert "Progress report" in page and "August 2009" in page
    assert (
        f'<a href="{url}?recommendation=4&amp;period=2009-09&amp;view=table">'
        f"{DRAFT_LINK}</a>"
    ) in page
    assert CLOSED_LINK not in page


def test_the_draft_page_links_back_to_the_latest_closed_month(
    client, small_plan, viewer
):
    client.force_login(viewer)
    url = reverse("reporting:report", args=[small_plan.plan.slug, "summary"])
    page = client.get(url, {"period": "2009-09"}).content.decode()
    assert "DRAFT" in page
    assert f'<a href="{url}?period=2009-08">{CLOSED_LINK}</a>' in page
    assert DRAFT_LINK not in page


def test_the_report_index_leads_with_the_latest_closed_month_and_the_draft(
    client, small_plan, viewer
):
    client.force_login(viewer)
    slug = small_plan.plan.slug
    page = client.get(reverse("reporting:index", args=[slug])).content.decode()
    latest = page.split('id="latest-reports-heading"')[1].split("</section>")[0]
    progress = reverse("reporting:report", args=[slug, "progress"])
    assert "August 2009 is the latest closed month" in latest
    assert f'<a href="{progress}?period=2009-08">Progress report, August 2009</a>' in (
        latest
    )
    assert f'<a href="{progress}?period=2009-09">{DRAFT_LINK}</a>' in latest


def test_the_dashboard_page_links_to_the_draft(client, small_plan, viewer):
    client.force_login(viewer)
    url = reverse("reporting:dashboard", args=[small_plan.plan.slug])
    page = client.get(url).content.decode()
    assert f'<a href="{url}?period=2009-09">{DRAFT_LINK}</a>' in page


def test_the_chief_officer_report_keeps_its_officer_in_the_draft_link(
    client, small_plan, viewer
):
    client.force_login(viewer)
    url = reverse("reporting:report", args=[small_plan.plan.slug, "chief-officer"])
    officer = small_plan.chief2.pk
    page = client.get(url, {"chief_officer": officer}).content.decode()
    assert f"{url}?chief_officer={officer}&amp;period=2009-09" in page
