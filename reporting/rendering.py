"""One report context, three formats: the HTML page body, a PDF (WeasyPrint) and xlsx.

The PDF is the print wrapper around the same body partial the screen page includes.
WeasyPrint may only fetch our own static files (see `StaticOnlyFetcher`), so nothing a user
writes into a plan can make the server read a file or call a URL.

Rendering is a plain function with no request: a view, the `render_report` command or a
task worker can call it. PDFs are laid out by a worker (`pdfs`, `tasks`), never in a web
request. A closed period's PDF is kept in storage and its body HTML in the shared cache,
both under a name that changes with anything the report reads (`storage_name`).
"""

import datetime
import functools
import hashlib
import io
import mimetypes
from dataclasses import replace
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from actionplans.models import ReportingPeriod
from lib import months
from lib.spreadsheets import xlsx_cell_set

from . import charts
from .columns import LEEDS, Column, cell_text
from .selectors import (
    Dashboard,
    Kind,
    MeasuresReport,
    PeriodRef,
    PeriodReport,
    ReportFilters,
    ScrutinyPack,
    SummaryLists,
    other_months,
    period_for_plan,
    period_report_build,
    report_rows_stamp,
)

Report = PeriodReport | ScrutinyPack | Dashboard | MeasuresReport

BODY_TEMPLATES = {
    Kind.SUMMARY: "reporting/_summary_body.html",
    Kind.PROGRESS: "reporting/_progress_body.html",
    Kind.CHIEF_OFFICER: "reporting/_progress_body.html",
    Kind.EXCEPTIONS: "reporting/_progress_body.html",
    Kind.SCRUTINY: "reporting/_scrutiny_body.html",
    Kind.DASHBOARD: "reporting/_dashboard_body.html",
    Kind.MEASURES: "reporting/_measures_body.html",
}

# WeasyPrint resolves the print page's relative URLs against this made-up origin, and the
# fetcher below answers only for its /static/ paths.
_PRINT_ORIGIN = "https://report.invalid/"
_STATIC_PREFIX = _PRINT_ORIGIN + "static/"
_FETCHABLE_SUFFIXES = {".css", ".svg", ".png", ".woff", ".woff2", ".ttf"}


class Layout:
    """How a progress report reads on screen (the PDF is always the table).

    One block per action reads on any width; the table, with the seed's columns, suits
    a wide screen. Chosen by a plain link (`?view=table`), so no script is needed.
    """

    BLOCKS = "blocks"
    TABLE = "table"

    @classmethod
    def from_query(cls, value: str | None) -> str:
        return cls.TABLE if value == cls.TABLE else cls.BLOCKS


def body_context(report: Report, *, layout: str = Layout.BLOCKS) -> dict:
    """What the body partials need besides the report itself."""
    context: dict = {
        "report": report,
        "body_template": BODY_TEMPLATES[report.kind],
        "layout": layout,
    }
    if isinstance(report, Dashboard):
        context["bar_chart"] = charts.status_bar_chart(
            report.months, report.statuses, report.status_labels
        )
        context["line_chart"] = charts.progress_line_chart(report.months)
    elif isinstance(report, ScrutinyPack) and report.months:
        statuses = report.report.statuses if report.report else []
        context["bar_chart"] = charts.status_bar_chart(
            report.months, statuses, report.status_labels
        )
        context["measure_charts"] = [
            (row, charts.measure_chart(row, report.measure_months))
            for row in report.measures
        ]
    elif isinstance(report, MeasuresReport):
        context["measure_charts"] = [
            (row, charts.measure_chart(row, report.months)) for row in report.measures
        ]
    return context


# ---------------------------------------------------------------------------------------
# PDF


def _weasyprint():
    # Imported when first needed: WeasyPrint loads Pango, which pages never need.
    # (Its chatty logging is quietened in settings.LOGGING.)
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    return weasyprint, URLFetcher, URLFetcherResponse


def static_only_fetcher():
    """A WeasyPrint URL fetcher that serves our static files and refuses everything else."""
    _, URLFetcher, URLFetcherResponse = _weasyprint()

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(_STATIC_PREFIX):
                raise ValueError(
                    f"Report PDFs fetch only their own static files: {url}"
                )
            relative = url.removeprefix(_STATIC_PREFIX).split("?")[0].split("#")[0]
            path = Path(relative)
            if (
                ".." in path.parts
                or path.is_absolute()
                or path.suffix.lower() not in _FETCHABLE_SUFFIXES
            ):
                raise ValueError(f"Not a static file a report may use: {url}")
            found = finders.find(relative)
            if not found:
                raise ValueError(f"No such static file: {url}")
            mime, _ = mimetypes.guess_type(found)
            return URLFetcherResponse(
                url,
                Path(found).read_bytes(),
                headers={"Content-Type": mime or "application/octet-stream"},
            )

    return StaticOnlyFetcher()


def print_html(template: str, context: dict) -> str:
    """A print page for WeasyPrint: `context` plus what every print wrapper reads. It
    links no stylesheet: `html_to_pdf` gives them (`print_stylesheets`)."""
    return render_to_string(
        template, context | {"print": True, "generated_at": timezone.localtime()}
    )


def report_print_html(report: Report) -> str:
    """The print page: the body partial inside the print wrapper."""
    return print_html("reporting/report_print.html", body_context(report))


# How long a closed month's page parts stay in the shared cache unread. Their names never
# go stale (they hold the rows' stamp), so this only bounds the space they take.
REPORT_CACHE_SECONDS = 24 * 60 * 60


def report_body_cache_key(report: Report, layout: str = Layout.BLOCKS) -> str | None:
    """The shared cache's key for the report's body HTML in one screen layout; None
    while it may change."""
    name = _report_name(report)
    return _body_key(name, layout) if name else None


def _report_name(report: Report) -> str | None:
    return storage_name(
        slug=report.plan.slug,
        kind=report.kind,
        period=report.period,
        filters=report.filters,
        stamp=""
        if isinstance(report, Dashboard | MeasuresReport)
        else report.rows_stamp,
        pack=report if isinstance(report, ScrutinyPack) else None,
    )


def _body_key(name: str, layout: str) -> str:
    return f"report-body:{name}:{layout}"


def _head_key(name: str) -> str:
    return f"report-head:{name}"


def report_body_html(report: Report, context: dict) -> str:
    """The report's body partial as HTML; a closed month's is made once and then cached.

    The key holds the report's `rows_stamp` (see `storage_name`): any change to what the
    report reads gives a new key, so a cached body is never stale, and every web worker
    shares the one cache (settings.CACHES), so they all answer alike.
    """
    key = report_body_cache_key(report, context["layout"])
    if key is not None:
        cached = cache.get(key)
        if cached is not None:
            # Our own template's output, stored by the line below.
            return mark_safe(cached)  # noqa: S308  # nosec B308 B703
    html = render_to_string(context["body_template"], context)
    if key is not None:
        cache.set(key, str(html), timeout=REPORT_CACHE_SECONDS)
    return html


def period_report_page(
    *,
    plan,
    kind: str,
    month: datetime.date | None,
    filters: ReportFilters,
    layout: str,
) -> tuple[PeriodReport, str]:
    """A period report for its page, and its body HTML.

    A closed month's are made once and then come from the shared cache, both under the
    name its PDF would have (`storage_name`, holding the rows' stamp): the report without
    its rows (`_page_head`), since the body already shows them, and the body. So a page
    read again costs the month, the stamp and two cache reads, not the plan's rows. The
    links to other months are worked out afresh: closing a later month changes them.
    Raises ReportError as `period_report_build` does.
    """
    periods = list(plan.periods.order_by("month"))
    period = period_for_plan(plan=plan, month=month, periods=periods)
    if period.is_closed:
        name = storage_name(
            slug=plan.slug,
            kind=kind,
            period=period,
            filters=filters,
            stamp=report_rows_stamp(plan=plan, report_months=[period.month]),
        )
        head_key, body_key = _head_key(name), _body_key(name, layout)
        found = cache.get_many([head_key, body_key])
        if head_key in found and body_key in found:
            head = replace(
                found[head_key], other_months=other_months(periods, shown=period.month)
            )
            # Our own template's output, stored by report_body_html.
            return head, mark_safe(found[body_key])  # noqa: S308  # nosec B308 B703
    report = period_report_build(
        plan=plan, kind=kind, month=period.month, filters=filters
    )
    body = report_body_html(report, body_context(report, layout=layout))
    name = _report_name(report)
    if name is not None:
        cache.set(_head_key(name), _page_head(report), timeout=REPORT_CACHE_SECONDS)
    return report, body


def _page_head(report: PeriodReport) -> PeriodReport:
    """The report less its rows: what the page around a cached body reads (title,
    period, filters and their choices)."""
    return replace(
        report,
        groups=[],
        lists=SummaryLists([], [], [], []),
        counts=[],
        register=[],
        measures=[],
        columns=[],
    )


def html_to_pdf(html: str) -> bytes:
    """Lay out the print page as a tagged PDF (A4 landscape, running header, page x of y).

    Needs no database, so it can run in the PDF process (see `report_pdf`).
    """
    weasyprint, _, _ = _weasyprint()
    document = weasyprint.HTML(
        string=html, base_url=_PRINT_ORIGIN, url_fetcher=static_only_fetcher()
    )
    return document.write_pdf(stylesheets=print_stylesheets(), pdf_tags=True)


# The print pages' stylesheets, in the order a linked page lists them.
PRINT_STYLESHEETS = ("css/app.css", "css/print.css")


@functools.cache
def print_stylesheets() -> list:
    """The print stylesheets, parsed once per process and given to every layout.

    Not linked from the page: WeasyPrint catches any exception raised while it fetches a
    linked stylesheet, the worker's time limit included, and lays the page out unstyled
    instead of stopping. Read here, before the layout, nothing can be swallowed; parsed
    once, no PDF pays for it again.
    """
    weasyprint, _, _ = _weasyprint()
    return [
        weasyprint.CSS(
            string=Path(finders.find(name)).read_text(encoding="utf-8"),
            base_url=_STATIC_PREFIX + name,
            url_fetcher=static_only_fetcher(),
        )
        for name in PRINT_STYLESHEETS
    ]


class PdfRenderError(Exception):
    """A PDF could not be laid out: it ran over PDF_RENDER_TIMEOUT, or its worker died.

    The message is for the user; `detail` (exit code, traceback) is for the log.
    """

    def __init__(self, message: str, *, timed_out: bool, detail: str = ""):
        super().__init__(message)
        self.timed_out = timed_out
        self.detail = detail or message


PDF_TOO_LONG = (
    "The PDF took too long to make. The report is too long to print in one go: "
    "try the HTML page or the spreadsheet, or filter it."
)
PDF_FAILED = (
    "The PDF could not be made this time. Try again in a minute; if it fails again, "
    "use the HTML page or the spreadsheet."
)


def report_pdf(report: Report) -> bytes:
    """Render the report as a PDF, in this thread.

    The page is built here (the database part, a few milliseconds); the layout is seconds
    of pure-Python work, which is why only workers call this (`pdfs.pdf_render`), under
    the worker's time limit, never a web request.
    """
    return html_to_pdf(report_print_html(report))


# ---------------------------------------------------------------------------------------
# The PDF of a report, stored once its period is closed


# Changed whenever what a closed month's report prints changes without its rows changing
# (a release that shows something new), so that PDFs and bodies stored before are made
# again rather than served. 2: no returns say what they carry (issue 14). 3: measures and
# evidence ("Proof behind the status").
REPORT_FORMAT = "3"


def storage_name(
    *,
    slug: str,
    kind: str,
    period: ReportingPeriod | PeriodRef | None,
    filters: ReportFilters,
    stamp: str,
    pack: ScrutinyPack | None = None,
) -> str | None:
    """Where a report's PDF is kept and its body cached; None while the report may change.

    A period report's name is known from its period row and `stamp`, before the report
    is built. The name holds the plan, the period (the scrutiny pack: its quarter and
    cover), the report, the filters, when the period was closed and last amended, and the
    stamp of the rows the report reads (`report_rows_stamp`), so an amendment, closing the
    month again, or an edit of an action, milestone, recommendation, status or officer
    shown in it gives a new name. None for an open period and for the dashboard.
    """
    if kind in {Kind.DASHBOARD, Kind.MEASURES}:
        return None
    if pack is not None:
        if pack.is_draft:
            return None
        # A month closed by a fixture or an import may have no time of closing.
        closed = max(
            (m.period.closed_at for m in pack.months if m.period.closed_at),
            default=None,
        )
        amended = [m.period.amended_at for m in pack.months if m.period.amended_at]
        cover = pack.cover.updated_at.isoformat() if pack.cover else "no-cover"
        label = pack.quarter_key
        parts = [label, closed.isoformat() if closed else "", cover, stamp]
        parts += [max(amended).isoformat()] if amended else []
    else:
        if not period.is_closed:
            return None
        label = months.month_key(period.month)
        parts = [
            label,
            kind,
            period.closed_at.isoformat() if period.closed_at else "",
            period.amended_at.isoformat() if period.amended_at else "",
            stamp,
            *(f"{k}={v}" for k, v in sorted(filters.as_params().items())),
        ]
    digest = hashlib.sha256("|".join([REPORT_FORMAT, *parts]).encode()).hexdigest()[:16]
    return f"reports/{slug}/{label}/{kind}-{digest}.pdf"


def pdf_filename(
    *, slug: str, kind: str, label: str, filters: ReportFilters, extension: str
) -> str:
    """ "leeds-iwc-chief-officer-2009-08-officer-12.pdf"."""
    officer = filters.chief_officer if kind == Kind.CHIEF_OFFICER else None
    suffix = f"-officer-{officer}" if officer else ""
    return f"{slug}-{kind}-{label}{suffix}.{extension}"


def report_filename(report: PeriodReport, extension: str) -> str:
    """What a download of a period report is called."""
    return pdf_filename(
        slug=report.plan.slug,
        kind=report.kind,
        label=report.period.key,
        filters=report.filters,
        extension=extension,
    )


# ---------------------------------------------------------------------------------------
# xlsx


def _xlsx_headings(column: Column) -> list[tuple[str, int]]:
    """A report column's spreadsheet columns: a status is two (its label, its direction)."""
    if column.key in {"last_status", "this_status"}:
        month = "Last month" if column.key == "last_status" else "This month"
        return [(f"{month} status", 14), (f"{month} direction", 12)]
    if column.key == "number":
        return [(column.heading, 10)]
    return [(column.heading, column.xlsx_width)]


# Where nobody updated the item: "No return – carried forward from August 2009".
_XLSX_NO_RETURN = {
    "last_status": ("Last month no return", 26),
    "this_status": ("This month no return", 26),
}


def xlsx_columns(columns: list[Column], *, by_section: bool = False) -> list[tuple]:
    """The spreadsheet's headings and widths for a report's columns.

    The recommendations (and the section, when grouped) come first; after the plan's
    columns, why the row is an exception and the finish's baseline and revisions; then
    the no-return notes and the evidence last, so that the Leeds columns people already
    filter and sort keep their places.
    """
    keys = [column.key for column in columns]
    headings: list[tuple[str, int]] = [("Recommendations", 18)]
    if by_section:
        headings.append(("Section", 24))
    for column in columns:
        if column.key != "evidence":
            headings += _xlsx_headings(column)
    headings += [("Exceptions", 30), ("Baseline finish", 12), ("Finish revisions", 10)]
    headings += [_XLSX_NO_RETURN[key] for key in _XLSX_NO_RETURN if key in keys]
    headings += [("Evidence", 40)] if "evidence" in keys else []
    return headings


# The Leeds layout's spreadsheet (a plan that chose no columns).
XLSX_COLUMNS = xlsx_columns(LEEDS)


def _direction_words(update) -> str:
    if not update or not update.direction_arrow:
        return ""
    return f"{update.direction_arrow} {update.direction_words}"


def _this_month_status(item) -> str:
    if item.is_withdrawn:
        return item.withdrawn_label
    this = item.this_month
    return this.status.label if this and this.status else ""


def _xlsx_values(item, column: Column, report: PeriodReport) -> list:
    """A report column's cells in the spreadsheet: dates as dates, statuses and
    directions apart, officers one per "; ", everything else as `cell_text`."""
    key = column.key
    if key == "last_status":
        last = item.last_month
        return [
            last.status.label if last and last.status else "",
            _direction_words(last),
        ]
    if key == "this_status":
        return [_this_month_status(item), _direction_words(item.this_month)]
    if key in {"plan_start", "plan_finish", "actual_finish"}:
        return [getattr(item, key)]
    if key == "lead":
        # Each row stands alone in a spreadsheet: a milestone names its action's leads.
        return ["; ".join(p.name for p in item.leads)]
    if key == "chief_officer":
        return ["; ".join(p.name for p in item.chief_officers)]
    return [cell_text(item, column, report)]


def report_xlsx(report: PeriodReport) -> bytes:
    """The progress table (with the filters applied) as one worksheet, in the plan's
    columns (`xlsx_columns`)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = report.title[:31]  # Excel allows 31 characters
    title = f"{report.plan.title}: {report.title}, {report.subtitle}"
    if report.is_draft:
        title += " (DRAFT: the period is still open)"
    xlsx_cell_set(sheet.cell(row=1, column=1), title)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    header_row = 3
    columns = report.columns or LEEDS
    keys = [column.key for column in columns]
    headings = xlsx_columns(columns, by_section=report.by_section)
    for index, (name, width) in enumerate(headings, start=1):
        cell = sheet.cell(row=header_row, column=index, value=name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        sheet.column_dimensions[get_column_letter(index)].width = width
    number_column = 3 if report.by_section else 2
    row_number = header_row
    for section in report.sections:
        for group in section.groups:
            recs = ", ".join(rec.number for rec in group.recommendations)
            for block in group.blocks:
                for item in [block.action, *block.milestones]:
                    row_number += 1
                    this, last = item.this_month, item.last_month
                    revised = item.plan_finish_revised
                    values = [recs]
                    if report.by_section:
                        values.append(str(section.theme or ""))
                    for column in columns:
                        if column.key != "evidence":
                            values += _xlsx_values(item, column, report)
                    values += [
                        # Why the row is an exception (red, overdue, deteriorating,
                        # slipped).
                        "; ".join(item.reasons),
                        revised.baseline if revised else None,
                        revised.revisions if revised else None,
                    ]
                    if "last_status" in keys:
                        values.append(last.no_return_note if last else "")
                    if "this_status" in keys:
                        values.append(this.no_return_note if this else "")
                    if "evidence" in keys:
                        values.append("; ".join(e.line for e in item.evidence))
                    for column, value in enumerate(values, start=1):
                        cell = sheet.cell(row=row_number, column=column)
                        xlsx_cell_set(cell, value)
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                        if hasattr(value, "year"):
                            cell.number_format = "dd/mm/yyyy"
                    if item.kind == "action":
                        sheet.cell(row=row_number, column=number_column).font = Font(
                            bold=True
                        )
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=number_column + 1)
    last_letter = get_column_letter(len(headings))
    sheet.auto_filter.ref = f"A{header_row}:{last_letter}{max(row_number, header_row)}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
