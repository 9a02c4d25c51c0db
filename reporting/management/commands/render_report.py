"""Render a report to a file, for scheduled delivery (cron, a task worker).

    python manage.py render_report --plan leeds-iwc --period 2009-08 \
        --report progress --format pdf --output august-progress.pdf

PDFs of closed periods come from storage once rendered (see reporting.rendering), so a
scheduled run can be repeated safely. A PDF that runs over PDF_RENDER_TIMEOUT fails
with an error rather than running on.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actionplans.models import ActionPlan
from lib import months
from reporting import pdfs, rendering
from reporting.selectors import (
    Kind,
    ReportError,
    ReportFilters,
    period_report_build,
    scrutiny_pack_build,
)

REPORTS = [*Kind.PERIOD_REPORTS, Kind.SCRUTINY]
FORMATS = ["html", "pdf", "xlsx"]


class Command(BaseCommand):
    help = "Render one report of a plan's period as HTML, PDF or xlsx into a file."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="The plan's id or slug.")
        parser.add_argument(
            "--period",
            required=True,
            help="The month, YYYY-MM (for scrutiny: any month of the quarter).",
        )
        parser.add_argument("--report", required=True, choices=REPORTS)
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--output", required=True, help="The file to write.")
        parser.add_argument(
            "--chief-officer",
            type=int,
            help="The officer id (required for --report chief-officer).",
        )
        parser.add_argument("--recommendation", default="", help="A number, e.g. 4.")
        parser.add_argument("--lead", type=int, help="An officer id.")
        parser.add_argument("--status", default="", help="A status label, e.g. Red.")

    def handle(self, *args, **options):
        plan = self._plan(options["plan"])
        try:
            month = months.month_parse(options["period"])
        except ValueError as exc:
            raise CommandError(f"--period: {exc}.") from exc
        kind, fmt = options["report"], options["format"]
        if fmt == "xlsx" and kind in {Kind.SUMMARY, Kind.SCRUTINY}:
            raise CommandError(
                "--format xlsx is for the progress, chief-officer and exceptions reports."
            )
        filters = ReportFilters(
            recommendation=options["recommendation"],
            chief_officer=options["chief_officer"],
            lead=options["lead"],
            status=options["status"],
        )
        if kind == Kind.CHIEF_OFFICER and not filters.chief_officer:
            report = period_report_build(plan=plan, month=None)
            listed = "\n".join(
                f"  {p.pk:>5}  {p.name}" for p in report.choices.chief_officers
            )
            raise CommandError(
                "--chief-officer is required for the chief-officer report. "
                f"The plan's chief officers:\n{listed}"
            )
        try:
            if kind == Kind.SCRUTINY:
                if not filters.is_empty:
                    raise CommandError("The scrutiny pack takes no filters.")
                report = scrutiny_pack_build(plan=plan, quarter=month)
                if not report.months:
                    raise ReportError(
                        f"The plan has no reporting period in {report.quarter_label}."
                    )
            else:
                report = period_report_build(
                    plan=plan, kind=kind, month=month, filters=filters
                )
        except ReportError as exc:
            raise CommandError(str(exc)) from exc

        if fmt == "pdf":
            # For the scrutiny pack --period names a month of the quarter.
            try:
                content = pdfs.report_pdf_file(
                    plan=plan, kind=kind, month=month, filters=filters, quarter=month
                ).content
            except rendering.PdfRenderError as exc:
                raise CommandError(str(exc)) from exc
        elif fmt == "xlsx":
            content = rendering.report_xlsx(report)
        else:
            content = rendering.report_print_html(report).encode()
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"--output: the folder {output.parent} does not exist.")
        output.write_bytes(content)
        draft = " (draft: the period is open)" if report.is_draft else ""
        self.stdout.write(
            f"Wrote {report.title.lower()} of {plan.slug}, {report.subtitle}{draft}, "
            f"to {output} ({len(content):,} bytes)."
        )

    def _plan(self, value: str) -> ActionPlan:
        plans = ActionPlan.objects.all()
        plan = (
            plans.filter(pk=int(value)).first()
            if value.isdigit()
            else plans.filter(slug=value).first()
        )
        if plan is None:
            raise CommandError(f"--plan: no plan with the id or slug {value!r}.")
        return plan
