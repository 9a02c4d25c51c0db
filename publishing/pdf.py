"""The public PDF of a closed month: reporting's PDF jobs lay it out (kind "public").

Its stored name holds the public page's cache key (`selectors.public_month_key`), so a
change to the month or to what the plan publishes gives a new file, never a stale one.
"""

from actionplans.models import ActionPlan, ReportingPeriod
from lib import months
from reporting import rendering
from reporting.models import PdfRender
from reporting.pdfs import PdfTarget
from reporting.selectors import ReportFilters

from .selectors import PublicMonth, public_month_build

KIND = "public"


def public_pdf_target(
    *, plan: ActionPlan, period: ReportingPeriod, key: str
) -> PdfTarget:
    """Where the month's public PDF is kept, named from the page's cache `key`."""
    label = months.month_key(period.month)
    digest = key.rsplit(":", 1)[-1]
    return PdfTarget(
        plan=plan,
        kind=KIND,
        month=period.month,
        quarter=None,
        filters=ReportFilters(),
        storage_name=f"reports/{plan.slug}/{label}/public-{digest}.pdf",
        filename=f"{plan.slug}-public-{label}.pdf",
    )


def public_print_html(month: PublicMonth) -> str:
    """The print page of the month: the public body inside a print wrapper."""
    return rendering.print_html("publishing/public_print.html", {"month": month})


def public_pdf(job: PdfRender) -> bytes:
    """Lay the job's public month out (run by `reporting.pdfs.pdf_render`)."""
    plan = ActionPlan.objects.select_related("inspection").get(pk=job.plan_id)
    period = plan.periods.get(month=job.month)
    return rendering.html_to_pdf(
        public_print_html(public_month_build(plan=plan, period=period))
    )
