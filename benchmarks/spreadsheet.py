"""A large spreadsheet in the Leeds layout (seed 001), for the import benchmark.

Title rows naming the month, the 13 columns with the seed's long header texts (the number
column's header left blank, as Leeds does), "Recommendation N: …" heading rows, an action's
first row with its number and its further milestones as rows with an empty number, the
statuses written as the seed writes them ("Amber ↑"), month dates as text ("Sep-08"), and
the header row repeated with a blank row before it where a printed page would break.
The content comes from the same seeded generator as the large plan.
"""

import datetime
import io

import openpyxl

from actionplans.models import Direction
from lib import months

from .generator import FIRST_MONTH, Sizes, _spec

LEEDS_HEADER = [
    "",
    "Aim/Outcome",
    "Action",
    "Last Month RAG",
    "This Month RAG",
    "Plan Start",
    "Plan Finish",
    "Actual Finish",
    "Success Criteria: How will you know that the action has achieved its intended "
    "aim? I.e, task complete, measures in place.",
    "Lead: Who will be responsible for delivering the work?",
    "Chief Officer: Accountable for achieving the aim",
    "Report of Progress",
    "Risk Report",
]
THIS_MONTH = datetime.date(2009, 8, 1)
_ROWS_PER_PAGE = 40
_LEADS = [
    ("Alison Ashworth", "Head of Adult Safeguarding"),
    ("Brian Bradley", "Service Delivery Manager"),
    ("Carol Crossley", "Head of Commissioning"),
    ("David Dobson", "Workforce Development Manager"),
    ("Elaine Ellison", "Performance Manager"),
    ("Frank Fairburn", "Head of Assessment and Care Management"),
    ("Gillian Greenwood", "Service Delivery Manager"),
    ("Harpreet Hepworth", "Head of Policy"),
]
_CHIEFS = [
    "Chief Officer (Access and Inclusion)",
    "Chief Officer (Resources and Strategy)",
    "Director of Adult Social Services",
]


def _status(update: tuple[str, str, str, str]) -> str:
    label, direction, _, _ = update
    return f"{label} {Direction.arrow_for(direction)}".strip()


def spreadsheet_rows(*, rows: int = 1000, seed: int = 2009) -> list[list[str]]:
    """About `rows` rows (never more): whole actions until the next would not fit."""
    # Enough generated actions for the rows; 32 months of updates reach August 2009.
    month_count = (THIS_MONTH.year - FIRST_MONTH.year) * 12 + THIS_MONTH.month
    actions = max(1, rows * 2 // 7)
    sizes = Sizes(
        recommendations=max(1, actions // 5),
        actions=actions,
        milestones=actions * 3,
        officers=len(_LEADS) + len(_CHIEFS),
        months=month_count,
    )
    recommendation_texts, specs = _spec(seed, sizes)
    last_day = months.month_last_day(months.month_add(FIRST_MONTH, month_count - 1))
    out: list[list[str]] = [
        ["Benchmark Borough Inspection Action Plan"],
        [],
        [f"{THIS_MONTH:%B %Y} PROGRESS REPORT".upper()],
        [],
        list(LEEDS_HEADER),
    ]
    since_header = 0
    current_rec = None
    for spec in specs:
        block: list[list[str]] = []
        if spec.recommendation != current_rec:
            number = spec.recommendation + 1
            block.append(
                [
                    f"Recommendation {number}: {recommendation_texts[spec.recommendation]}"
                ]
            )
        lead = _LEADS[spec.item.leads[0] % len(_LEADS)]
        chief = _CHIEFS[spec.chiefs[0] % len(_CHIEFS)]
        units = spec.milestones or [spec.item]
        for index, unit in enumerate(units):
            first = index == 0
            finished = unit.is_complete(on=last_day)
            block.append(
                [
                    spec.item.number if first else "",
                    spec.aim if first else "",
                    spec.item.text if first else unit.text or unit.success_criteria,
                    _status(unit.updates[-2]),
                    _status(unit.updates[-1]),
                    f"{unit.plan_start:%b-%y}",
                    f"{unit.plan_finish:%b-%y}",
                    f"{unit.actual_finish:%b-%y}" if finished else "",
                    unit.success_criteria,
                    f"{lead[0]} ({lead[1]})" if first or unit.leads else "",
                    chief if first else "",
                    unit.updates[-1][2],
                    unit.updates[-1][3],
                ]
            )
        if since_header + len(block) > _ROWS_PER_PAGE:
            block = [[], list(LEEDS_HEADER), *block]
            since_header = 0
        if len(out) + len(block) > rows:
            break
        out.extend(block)
        since_header += len(block)
        current_rec = spec.recommendation
    return out


def spreadsheet_xlsx(*, rows: int = 1000, seed: int = 2009) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Action plan")
    for values in spreadsheet_rows(rows=rows, seed=seed):
        sheet.append([value if value != "" else None for value in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
