"""The columns of a plan table: the header texts that name them, their names in messages,
and the longest text each field holds.

A header row is recognised by its texts alone, so that a table can start anywhere on a
sheet and repeat its header at page breaks; some texts point to the Leeds or the Dudley
layout, which is how the layout is detected.
"""

import re
from dataclasses import dataclass

from .reading import Row

# Header texts as the seeds and common variants write them, compared after text_normal().
_HEADERS: list[tuple[str, str, str]] = [
    # (field, pattern, layout it points to or "")
    ("number", "no", ""),
    ("number", "number", ""),
    ("number", "ref", ""),
    ("number", "action no", ""),
    ("number", "action number", ""),
    ("aim", "aim outcome", "leeds"),
    ("aim", "aim", "leeds"),
    ("text", "action", ""),
    ("text", "actions", ""),
    ("text", "key actions", "dudley"),
    ("text", "key action", "dudley"),
    ("text", "action text", ""),
    ("last_status", "last month rag", "leeds"),
    ("last_status", "last month", "leeds"),
    ("last_status", "previous month rag", "leeds"),
    ("this_status", "this month rag", "leeds"),
    ("this_status", "this month", "leeds"),
    ("this_status", "rag", ""),
    ("this_status", "rag status", ""),
    ("this_status", "status", ""),
    ("plan_start", "plan start", "leeds"),
    ("plan_start", "planned start", "leeds"),
    ("plan_start", "start date", "leeds"),
    ("plan_start", "start", "leeds"),
    ("plan_finish", "plan finish", "leeds"),
    ("plan_finish", "planned finish", "leeds"),
    ("plan_finish", "finish", "leeds"),
    ("plan_finish", "timescale", "dudley"),
    ("plan_finish", "timescales", "dudley"),
    ("plan_finish", "target date", ""),
    ("plan_finish", "due date", ""),
    ("actual_finish", "actual finish", "leeds"),
    ("actual_finish", "actual completion", "leeds"),
    ("actual_finish", "date completed", "leeds"),
    ("success_criteria", "success criteria", "leeds"),
    ("success_criteria", "success criterion", "leeds"),
    ("leads", "lead", "leeds"),
    ("leads", "leads", "leeds"),
    ("leads", "responsible manager", "dudley"),
    ("leads", "responsible managers", "dudley"),
    ("leads", "responsible officer", ""),
    ("chief_officers", "chief officer", "leeds"),
    ("chief_officers", "chief officers", "leeds"),
    ("chief_officers", "accountable officer", "leeds"),
    ("progress", "report of progress", "leeds"),
    ("progress", "progress report", "dudley"),
    ("progress", "progress", ""),
    ("risk", "risk report", "leeds"),
    ("risk", "risk", "leeds"),
    ("risk", "risks", "leeds"),
    ("outcomes", "outcomes for users of services and their carers", "dudley"),
    ("outcomes", "outcomes for users", "dudley"),
    ("outcomes", "outcomes", "dudley"),
    ("cross_references", "cross references", ""),
    ("cross_references", "cross reference", ""),
    ("cross_references", "x ref", ""),
    ("cross_references", "xref", ""),
    ("cross_references", "see also", ""),
]
_HEADERS.sort(key=lambda header: -len(header[1]))
# The same by their first word, which a text they name begins with: most cells of a
# sheet are not headers, and are then passed over at once.
_HEADERS_BY_WORD: dict[str, list[tuple[str, str, str]]] = {}
for _header in _HEADERS:
    _HEADERS_BY_WORD.setdefault(_header[1].split(" ", 1)[0], []).append(_header)
COLUMN_NAMES = {
    "number": "No.",
    "aim": "Aim/Outcome",
    "text": "Action",
    "last_status": "Last Month RAG",
    "this_status": "This Month RAG",
    "plan_start": "Plan Start",
    "plan_finish": "Plan Finish",
    "actual_finish": "Actual Finish",
    "success_criteria": "Success Criteria",
    "leads": "Lead",
    "chief_officers": "Chief Officer",
    "progress": "Report of Progress",
    "risk": "Risk Report",
    "outcomes": "Outcomes",
    "cross_references": "Cross-references",
}
TEXT_FIELDS = ["aim", "text", "success_criteria", "progress", "risk", "outcomes"]
DATE_FIELDS = {
    "plan_start": "start",
    "plan_finish": "finish",
    "actual_finish": "finish",
}

MAX_LENGTHS = {
    "number": 20,
    "date_text": 100,
    "name": 150,
    "role_title": 255,
    "initials": 10,
}


@dataclass
class Header:
    columns: dict[str, int]
    layout_votes: dict[str, int]


def header_read(row: Row) -> Header | None:
    """The columns a header row names, and the layout each name points to; None when
    the row is not a header (fewer than three known column names)."""
    columns: dict[str, int] = {}
    votes = {"leeds": 0, "dudley": 0}
    for index, cell in enumerate(row.cells):
        text = text_normal(cell.text)
        if not text or len(text) > 200:
            continue
        for name, pattern, layout in _HEADERS_BY_WORD.get(text.split(" ", 1)[0], ()):
            if text == pattern or text.startswith(pattern + " "):
                if name not in columns:
                    columns[name] = index
                    if layout:
                        votes[layout] += 1
                break
    if len(columns) < 3:
        return None
    if "number" not in columns:
        # Seed 001 leaves the number column's header blank.
        first = min(columns.values())
        if first > 0 and row.cell(first - 1).is_empty:
            columns["number"] = first - 1
    return Header(columns, votes)


def text_normal(text: str) -> str:
    """Lower case, "&" as "and", nothing but letters, digits and single spaces: how header
    texts and officers' names are compared."""
    text = text.lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())
