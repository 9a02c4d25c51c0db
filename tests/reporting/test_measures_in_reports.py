"""Measures in the reports: the summary's and the pack's table, the charts of the measures
report and the pack, as at the report's month."""

import datetime
import decimal
import io
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from pypdf import PdfReader

from actionplans.models import Measure, MeasureTarget, MeasureValue
from reporting import charts, rendering
from reporting.selectors import (
    Kind,
    measure_rows,
    measures_report_build,
    period_report_build,
    report_rows_stamp,
    scrutiny_pack_build,
)
from tests import factories

pytestmark = pytest.mark.django_db

JULY = datetime.date(2009, 7, 1)
AUGUST = datetime.date(2009, 8, 1)
SEPTEMBER = datetime.date(2009, 9, 1)


@pytest.fixture
def measured(small_plan):
    """Two measures: timely reviews (on track in August, met in the open September) and
    days to assessment (behind target, no August actual)."""
    plan = small_plan.plan
    reviews = Measure.objects.create(
        plan=plan,
        name="Timely reviews",
        baseline_value=63,
        baseline_date=datetime.date(2008, 3, 31),
        order=1,
    )
    reviews.actions.add(small_plan.a42)
    reviews.milestones.add(small_plan.m42b)
    MeasureTarget.objects.create(
        measure=reviews, label="Interim", value=65, due=datetime.date(2009, 6, 30)
    )
    MeasureTarget.objects.create(
        measure=reviews, label="Year 1", value=76, due=datetime.date(2010, 3, 31)
    )
    for period, value in [
        (small_plan.july, 70),
        (small_plan.august, 74),
        (small_plan.september, 80),
    ]:
        MeasureValue.objects.create(measure=reviews, period=period, value=value)
    days = Measure.objects.create(
        plan=plan,
        name="Days to assessment",
        unit=Measure.Unit.DAYS,
        higher_is_better=False,
        order=2,
    )
    days.actions.add(small_plan.a43)
    MeasureTarget.objects.create(measure=days, value=28, due=datetime.date(2009, 7, 31))
    MeasureValue.objects.create(measure=days, period=small_plan.july, value=35)
    return SimpleNamespace(**vars(small_plan), reviews=reviews, days=days)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _cells(page: str, row_id: str) -> list[str]:
    """The text of each cell of the table row with that id."""
    row = re.search(rf'<tr id="{row_id}">(.*?)</tr>', page, re.S)
    assert row, row_id
    return [
        _text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row[1], re.S)
    ]


def _summary_html(plan, month) -> str:
    report = period_report_build(plan=plan, kind=Kind.SUMMARY, month=month)
    return rendering.report_print_html(report)


def _pdf_text(report) -> str:
    pdf = rendering.report_pdf(report)
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


# ---------------------------------------------------------------------------------------
# The table


def test_summary_lists_each_measure_with_baseline_latest_target_and_standing(
    measured,
):
    page = _summary_html(measured.plan, AUGUST)
    assert "<h2>Measures</h2>" in page
    assert _cells(page, f"measure-{measured.reviews.pk}") == [
        "Timely reviews Higher is better",
        "63% March 2008",
        "74% August 2009",
        "76% by March 2010",
        "On track",
        "4.2, 4.2 (b)",
    ]
    # A target due and missed reads "Behind target", in words; with no August actual,
    # July's is the latest.
    assert _cells(page, f"measure-{measured.days.pk}") == [
        "Days to assessment Lower is better",
        "None recorded",
        "35 days July 2009",
        "28 days by July 2009",
        "Behind target",
        "4.3",
    ]


def test_a_closed_months_report_ignores_a_later_months_actual(measured):
    page = _summary_html(measured.plan, JULY)
    cells = _cells(page, f"measure-{measured.reviews.pk}")
    assert cells[2] == "70% July 2009"
    assert "74%" not in page and "80%" not in page
    # The open month's actual is read by its own (draft) report only.
    september = _cells(
        _summary_html(measured.plan, SEPTEMBER), f"measure-{measured.reviews.pk}"
    )
    assert september[2:5] == ["80% September 2009", "76% by March 2010", "Target met"]


def test_the_standing_is_text_with_a_tag_not_colour_alone(measured):
    page = _summary_html(measured.plan, AUGUST)
    assert '<span class="tag tag--red measure-standing">Behind target</span>' in page
    assert '<span class="tag tag--grey measure-standing">On track</span>' in page


def test_the_measures_section_is_left_out_when_the_plan_has_none(small_plan):
    page = _summary_html(small_plan.plan, AUGUST)
    assert "<h2>Measures</h2>" not in page
    assert "measure-table" not in page


def test_only_the_summary_reads_the_measures(measured):
    report = period_report_build(plan=measured.plan, kind=Kind.PROGRESS, month=AUGUST)
    assert report.measures == []
    assert "measure-table" not in rendering.report_print_html(report)


def test_summary_page_links_the_measures_actions(client, measured, viewer):
    client.force_login(viewer)
    url = reverse("reporting:report", args=[measured.plan.slug, "summary"])
    page = client.get(url, {"period": "2009-08"}).content.decode()
    action = reverse(
        "actionplans:action_detail", args=[measured.plan.slug, measured.a43.pk]
    )
    assert f'<a href="{action}">4.3</a>' in page


def test_summary_pdf_prints_the_measures_table(measured):
    report = period_report_build(plan=measured.plan, kind=Kind.SUMMARY, month=AUGUST)
    text = _pdf_text(report)
    for words in [
        "Timely reviews",
        "63%",
        "74%",
        "76% by March 2010",
        "On track",
        "Days to assessment",
        "Behind target",
    ]:
        assert words in text, words


# ---------------------------------------------------------------------------------------
# The charts


def test_the_chart_has_a_point_for_each_month_and_the_targets_as_dashed_levels(
    measured,
):
    period = measured.august
    row = next(
        r
        for r in measure_rows(plan=measured.plan, period=period, with_actuals=True)
        if r.pk == measured.reviews.pk
    )
    chart = charts.measure_chart(row, [JULY, AUGUST])
    assert [p.label for p in chart.points] == ["70%", "74%"]
    assert chart.points[0].x < chart.points[1].x
    assert chart.points[0].y > chart.points[1].y  # higher value, higher on the chart
    assert [(level.kind, level.name) for level in chart.levels] == [
        ("baseline", "Baseline 63%"),
        ("target", "Target 65% by Jun 2009"),
        ("target", "Target 76% by Mar 2010"),
    ]
    assert all(level.dash for level in chart.levels)
    # Neither target falls due in July or August: no marker.
    assert not any(level.marker_path for level in chart.levels)
    assert [label.text for label in chart.x_labels] == ["Jul 2009", "Aug 2009"]
    assert chart.description == (
        "Actuals: July 2009 70%, August 2009 74%. Baseline 63% (March 2008). "
        "Targets: Interim: 65% by June 2009; Year 1: 76% by March 2010. On track."
    )


def test_a_target_due_within_the_months_is_marked_and_labels_keep_apart(measured):
    row = next(
        r
        for r in measure_rows(
            plan=measured.plan, period=measured.july, with_actuals=True
        )
        if r.pk == measured.days.pk
    )
    chart = charts.measure_chart(row, [JULY])
    (target,) = chart.levels
    assert target.marker_path.startswith("M")
    # The baseline and interim target (63% and 65%) are close: their names do not overlap.
    reviews = next(
        r
        for r in measure_rows(
            plan=measured.plan, period=measured.july, with_actuals=True
        )
        if r.pk == measured.reviews.pk
    )
    ys = sorted(level.label_y for level in charts.measure_chart(reviews, [JULY]).levels)
    assert all(b - a >= 13 for a, b in zip(ys, ys[1:], strict=False))


def test_a_measure_without_actuals_draws_no_line(measured):
    Measure.objects.create(plan=measured.plan, name="New measure", order=3)
    row = next(
        r
        for r in measure_rows(
            plan=measured.plan, period=measured.july, with_actuals=True
        )
        if r.name == "New measure"
    )
    chart = charts.measure_chart(row, [JULY])
    assert chart.points == [] and chart.levels == []
    assert chart.description == "No actual entered yet. No target."


def test_measures_page_draws_an_accessible_chart_per_measure(client, measured, viewer):
    client.force_login(viewer)
    url = reverse("reporting:measures", args=[measured.plan.slug])
    response = client.get(url, {"period": "2009-08"})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('role="img"') == 2
    assert page.count('class="chart__actuals"') == 2
    assert page.count("chart__level--target") == 3
    assert 'stroke-dasharray="7 4"' in page
    for pk in [measured.reviews.pk, measured.days.pk]:
        labelled_by = f"chart-measure-{pk}-title chart-measure-{pk}-desc"
        assert f'aria-labelledby="{labelled_by}"' in page
    # The reviews chart: one dot for each month up to August (not September's).
    reviews = page.split('id="measure-chart-')[1]
    assert reviews.count("<circle") == 2
    point_labels = re.findall(r'font-weight="bold"[^>]*>([^<]+)</text>', reviews)
    assert point_labels == ["70%", "74%"]
    # The numbers in a table anyone can read.
    assert "Timely reviews: the chart's numbers" in page
    table = page.split("Timely reviews: the chart's numbers")[1].split("</table>")[0]
    assert [_text(c) for c in re.findall(r"<tr>(.*?)</tr>", table, re.S)][1:] == [
        "Baseline March 2008 63%",
        "Actual July 2009 70%",
        "Actual August 2009 74%",
        "Target (Interim) June 2009 65%",
        "Target (Year 1) March 2010 76%",
    ]
    assert "<script" not in page.split('class="report report--measures"')[1]


def test_measures_page_opens_on_the_latest_closed_month(client, measured, viewer):
    client.force_login(viewer)
    page = client.get(reverse("reporting:measures", args=[measured.plan.slug]))
    report = page.context["report"]
    assert report.period.month == AUGUST
    assert report.months == [JULY, AUGUST]
    assert not report.is_draft
    text = page.content.decode()
    assert "See the draft for September 2009" in text
    assert f"{reverse('reporting:measures_pdf', args=[measured.plan.slug])}" in text


def test_measures_page_says_when_the_plan_has_none(client, small_plan, viewer):
    client.force_login(viewer)
    page = client.get(reverse("reporting:measures", args=[small_plan.plan.slug]))
    assert "This plan has no measures yet." in page.content.decode()


def test_measures_page_refuses_a_month_the_plan_does_not_have(client, measured, viewer):
    client.force_login(viewer)
    url = reverse("reporting:measures", args=[measured.plan.slug])
    assert client.get(url, {"period": "2001-01"}).status_code == 400
    assert client.get(url, {"period": "nonsense"}).status_code == 400


def test_reports_index_links_to_the_measures_report(client, measured, viewer):
    client.force_login(viewer)
    page = client.get(reverse("reporting:index", args=[measured.plan.slug]))
    assert reverse("reporting:measures", args=[measured.plan.slug]) in (
        page.content.decode()
    )


def test_the_measures_pdf_has_the_charts_numbers(measured):
    report = measures_report_build(plan=measured.plan, month=AUGUST)
    text = _pdf_text(report)
    assert "Measures" in text and "August 2009" in text
    for words in ["Timely reviews: the chart's numbers", "70%", "74%", "Jul 2009"]:
        assert words in text, words


# ---------------------------------------------------------------------------------------
# The scrutiny pack


def test_the_pack_has_the_measures_table_and_a_chart_per_measure(measured):
    pack = scrutiny_pack_build(plan=measured.plan, quarter=AUGUST)
    # As at the quarter's last reported month (September, still open).
    assert [row.latest_label for row in pack.measures] == ["80%", "35 days"]
    assert pack.measure_months == [JULY, AUGUST, SEPTEMBER]
    html = rendering.report_print_html(pack)
    assert "Measures, as at the end of September 2009" in html
    assert html.count('role="img"') == 1 + 2  # the status chart, then one a measure
    assert _cells(html, f"measure-{measured.reviews.pk}")[4] == "Target met"
    text = _pdf_text(pack)
    assert "Timely reviews: actuals month by month" in text
    assert "Days to assessment: the chart's numbers" in text


def test_a_closed_quarters_pack_ignores_the_next_quarters_actuals(measured):
    october = factories.make_period(measured.plan, 2009, 10)
    MeasureValue.objects.create(measure=measured.reviews, period=october, value=90)
    pack = scrutiny_pack_build(plan=measured.plan, quarter=AUGUST)
    reviews = pack.measures[0]
    assert reviews.latest_value == decimal.Decimal(80)
    assert [a.month for a in reviews.actuals] == [JULY, AUGUST, SEPTEMBER]


def test_a_pack_of_a_plan_without_measures_has_no_measures_section(small_plan):
    pack = scrutiny_pack_build(plan=small_plan.plan, quarter=AUGUST)
    assert pack.measures == []
    assert "Measures, as at" not in rendering.report_print_html(pack)


# ---------------------------------------------------------------------------------------
# Stored reports are made again when the proof changes


def _stamp(plan) -> str:
    return report_rows_stamp(plan=plan, report_months=[AUGUST])


def test_the_stamp_changes_with_the_months_measures(measured):
    before = _stamp(measured.plan)
    value = MeasureValue.objects.get(measure=measured.reviews, period=measured.august)
    value.value = 75
    value.save()
    after_value = _stamp(measured.plan)
    assert after_value != before
    MeasureTarget.objects.filter(measure=measured.days).update(value=30)  # no history
    target = MeasureTarget.objects.get(measure=measured.days)
    target.label = "Year 1"
    target.save()
    assert _stamp(measured.plan) != after_value
    after_target = _stamp(measured.plan)
    measured.days.actions.clear()
    assert _stamp(measured.plan) != after_target


def test_a_later_months_actual_leaves_the_stamp_alone(measured):
    before = _stamp(measured.plan)
    value = MeasureValue.objects.get(
        measure=measured.reviews, period=measured.september
    )
    value.value = 81
    value.save()
    assert _stamp(measured.plan) == before
