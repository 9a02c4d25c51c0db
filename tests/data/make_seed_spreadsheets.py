"""Write the test spreadsheets: the Leeds and Dudley plans laid out as seeds 001 and 002 lay them out.

The values come from the demo fixtures (fixtures/*/actions.json, the cleaned transcriptions of
the seeds); the layout follows the seeds: title rows, the seeds' long header texts (Leeds leaves
the number column's header blank), header rows repeated where the seed's pages broke,
"Recommendation N: …" heading rows (Leeds, recommendations 2 and 6 in one cell with Word's
<p> markup, as extracted), section and "6. Assure itself …" rows (Dudley), milestone rows
with an empty number (Leeds), colour words and arrows in the RAG cells, and the date texts as
written ("Sep-08", "Sept 08", "End March 2010", "Completed"). In the xlsx files, dates written
like "Sep-08" are real Excel date cells formatted mmm-yy, as Excel stores them.

One column is added to the Leeds layout: "Cross-references". The seed's cross-references are
prose ("X-ref 2.1,2.3 and 2.4", "based upon 4.1") that the fixture's transcriber resolved by
hand; the column carries the resolved numbers so that the import can give the fixture's values.

Run from the project folder: .venv/bin/python tests/data/make_seed_spreadsheets.py
It also writes the deliberately broken files used by tests/imports/test_bad_input.py.
"""

import csv
import datetime
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent.parent / "fixtures"

LEEDS_HEADER = [
    "",
    "Aim/Outcome",
    "Action",
    "Last Month RAG",
    "This Month RAG",
    "Plan Start",
    "Plan Finish",
    "Actual Finish",
    "Success Criteria: How will you know that the action has achieved its intended aim? I.e, task complete, measures in place.",
    "Lead: Who will be responsible for delivering the work?",
    "Chief Officer: Accountable for achieving the aim",
    "Report of Progress",
    "Risk Report",
    "Cross-references",
]
DUDLEY_HEADER = [
    "No.",
    "KEY ACTIONS",
    "RESPONSIBLE MANAGER",
    "TIMESCALE",
    "PROGRESS REPORT",
    "Outcomes for users of services and their carers",
]
# Where seed 001's pages broke: the header row repeats before these actions and groups.
LEEDS_PAGE_BREAKS = {"1.8", "2.5", "7.2", "9.6", "20.4", "24.3"}
LEEDS_GROUP_BREAKS = {"4", "9", "11", "15", "19", "22", "24"}
ARROWS = {"improving": "↑", "no_change": "↔", "deteriorating": "↓", "": ""}
FILLS = {
    "Blue": "FF0070C0",
    "Green": "FF00B050",
    "Amber": "FFFFC000",
    "Red": "FFFF0000",
    "Grey": "FFBFBFBF",
}
_MONTH_CELL = re.compile(r"^[A-Z][a-z]{2}-\d{2}$")


def _load(slug: str) -> dict:
    return json.loads((FIXTURES / slug / "actions.json").read_text())


def _officer(officers: dict, key: str) -> dict:
    return officers[key]


def leeds_officers(officers: dict, keys: list[str]) -> str:
    """Officers as seed 001 writes them: names sharing a role grouped, "Name, Role (…)"."""
    entries: list[str] = []
    index = 0
    people = [officers[key] for key in keys]
    while index < len(people):
        person = people[index]
        group = [person]
        while (
            person["name"]
            and index + len(group) < len(people)
            and people[index + len(group)]["name"]
            and people[index + len(group)]["role_title"] == person["role_title"]
        ):
            group.append(people[index + len(group)])
        role = person["role_title"]
        if not person["name"]:
            entries.append(role)
        elif len(group) > 1:
            names = ", ".join(p["name"] for p in group)
            entries.append(f"{names} ({role}s)")
        elif "(" in role:
            entries.append(f"{person['name']}, {role}")
        else:
            entries.append(f"{person['name']} ({role})")
        index += len(group)
    return "\n".join(entries)


def dudley_officers(officers: dict, keys: list[str]) -> str:
    """Officers as seed 002 writes them: "Role - AB", one after another."""
    people = [officers[key] for key in keys]
    labels = [
        f"{p['role_title']} - {p['initials']}" if p["initials"] else p["role_title"]
        for p in people
    ]
    if all(p["initials"] for p in people[:-1]):
        return " ".join(labels)
    return "\n".join(labels)


def status_text(update: dict | None, *, seed_words: bool) -> str:
    if not update or (not update.get("status") and not update.get("direction")):
        return ""
    status = update.get("status") or ""
    direction = update.get("direction") or ""
    if seed_words and status == "Amber" and direction == "improving":
        return "Orange with up arrow"
    if seed_words and status == "Amber" and direction == "no_change":
        return "Orange with double arrow"
    if seed_words and status == "Grey" and not direction:
        return "Grey hatched"
    return f"{status} {ARROWS[direction]}".strip()


def date_text(item: dict, name: str) -> str:
    """The seed's date text, except where the fixture repaired an evident typo (1.9 (a)
    "Feb-08", before its own plan start, is February 2009): there the repaired month."""
    text, value = item[f"{name}_text"], item[name]
    written = _month_cell(text)
    if written and value and written.strftime("%Y-%m") != value[:7]:
        return datetime.date.fromisoformat(value).strftime("%b-%y")
    return text


def leeds_rows() -> list[list]:
    data = _load("leeds-iwc")
    officers = {o["key"]: o for o in data["officers"]}
    recommendations = {r["number"]: r["text"] for r in data["recommendations"]}
    rows: list[list] = [
        ["Independence, Wellbeing & Choice Inspection Action Plan"],
        [],
        ["AUGUST 2009 PROGRESS REPORT"],
        [],
        list(LEEDS_HEADER),
    ]
    group: list[str] = []
    for action in data["actions"]:
        recs = action["recommendations"]
        seed_words = recs[0] in {"11", "13", "14"}
        if recs != group:
            if recs[0] in LEEDS_GROUP_BREAKS:
                rows.append([])
                rows.append(list(LEEDS_HEADER))
            if recs == ["2", "6"]:
                text = " ".join(
                    f"<p>Recommendation {n}: {recommendations[n]}</p>" for n in recs
                )
                rows.append([text])
            else:
                for number in recs:
                    rows.append([f"Recommendation {number}: {recommendations[number]}"])
            group = recs
        elif action["number"] in LEEDS_PAGE_BREAKS:
            rows.append([])
            rows.append(list(LEEDS_HEADER))
        refs = ", ".join(action["cross_references"])
        leads = leeds_officers(officers, action["leads"])
        chiefs = leeds_officers(officers, action["chief_officers"])
        milestones = action["milestones"]
        if not milestones:
            updates = action["updates"]
            rows.append(
                [
                    action["number"],
                    action["aim"],
                    action["text"],
                    status_text(updates.get("2009-07"), seed_words=seed_words),
                    status_text(updates.get("2009-08"), seed_words=seed_words),
                    date_text(action, "plan_start"),
                    date_text(action, "plan_finish"),
                    date_text(action, "actual_finish"),
                    action["success_criteria"],
                    leads,
                    chiefs,
                    updates.get("2009-08", {}).get("progress", ""),
                    updates.get("2009-08", {}).get("risk", ""),
                    refs,
                ]
            )
            continue
        for index, milestone in enumerate(milestones):
            updates = milestone["updates"]
            first = index == 0
            rows.append(
                [
                    action["number"] if first else "",
                    action["aim"] if first else "",
                    action["text"] if first else milestone["text"],
                    status_text(updates.get("2009-07"), seed_words=seed_words),
                    status_text(updates.get("2009-08"), seed_words=seed_words),
                    date_text(milestone, "plan_start"),
                    date_text(milestone, "plan_finish"),
                    date_text(milestone, "actual_finish"),
                    milestone["success_criteria"],
                    leads if first else leeds_officers(officers, milestone["leads"]),
                    chiefs if first else "",
                    updates.get("2009-08", {}).get("progress", ""),
                    updates.get("2009-08", {}).get("risk", ""),
                    refs if first else "",
                ]
            )
    return rows


def dudley_rows() -> list[list]:
    data = _load("dudley-cqc")
    officers = {o["key"]: o for o in data["officers"]}
    rows: list[list] = [
        ["DUDLEY MBC DACHS"],
        ["CQC ADULT SOCIAL CARE INSPECTION"],
        ["DRAFT ACTION PLAN"],
        ["October 2009"],
        [
            "CQC made 19 Recommendations to improve outcomes and capacity in Dudley – "
            "these are all addressed in the following Action Plan"
        ],
    ]
    themes = {t["key"]: t for t in data["themes"]}
    theme = None
    first_table = True
    for recommendation in data["recommendations"]:
        if recommendation["theme"] != theme:
            theme = recommendation["theme"]
            heading = themes[theme]
            rows.append([])
            rows.append([f"{heading['number'] or ''} {heading['title']}".strip()])
        rec_row = [f"{recommendation['number']}. {recommendation['text']}"]
        # The seed puts the first recommendation above the header, the rest below it.
        if first_table:
            rows.append(rec_row)
            rows.append(list(DUDLEY_HEADER))
            first_table = False
        else:
            rows.append(list(DUDLEY_HEADER))
            rows.append(rec_row)
        actions = [
            a
            for a in data["actions"]
            if a["recommendations"] == [recommendation["number"]]
        ]
        for index, action in enumerate(actions):
            if index and index % 4 == 0:
                rows.append([])
                rows.append(list(DUDLEY_HEADER))
            update = action["updates"].get("2009-10", {})
            rows.append(
                [
                    action["number"],
                    action["text"],
                    dudley_officers(officers, action["leads"]),
                    action["plan_finish_text"],
                    update.get("progress", ""),
                    action["outcomes"],
                ]
            )
    rows.append([])
    rows.append(["END OF DRAFT ACTION PLAN"])
    return rows


def _month_cell(text: str) -> datetime.date | None:
    if not _MONTH_CELL.match(text or ""):
        return None
    try:
        return datetime.datetime.strptime(text, "%b-%y").date()
    except ValueError:
        return None


def write_xlsx(
    path: Path, rows: list[list], *, title: str, date_columns=(), status_columns=()
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    wrap = Alignment(wrap_text=True, vertical="top")
    for values in rows:
        sheet.append([value if value != "" else None for value in values])
        row = sheet.max_row
        is_header = values[:3] == LEEDS_HEADER[:3] or values[:2] == DUDLEY_HEADER[:2]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column)
            cell.alignment = wrap
            if is_header:
                cell.font = Font(bold=True)
            elif column - 1 in date_columns and _month_cell(value):
                cell.value = _month_cell(value)
                cell.number_format = "mmm-yy"
            elif column - 1 in status_columns and value:
                label = next((s for s in FILLS if value.startswith(s)), None)
                if label:
                    cell.fill = PatternFill("solid", fgColor=FILLS[label])
    workbook.save(path)


def write_csv(path: Path, rows: list[list]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for values in rows:
            writer.writerow(values)


def write_broken_files() -> None:
    broken = HERE / "broken"
    broken.mkdir(exist_ok=True)
    (broken / "not-a-spreadsheet.pdf").write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    )
    (broken / "corrupt.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    # An encrypted OOXML file is an OLE2 container holding an "EncryptedPackage" stream.
    ole = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    ole += "EncryptedInfo".encode("utf-16-le") + b"\x00" * 64
    ole += "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512
    (broken / "password-protected.xlsx").write_bytes(bytes(ole))

    header = list(LEEDS_HEADER[:13])
    good = [
        "1.1",
        "Aim",
        "Do the thing",
        "",
        "",
        "Sep-08",
        "Nov-08",
        "",
        "Done",
        "",
        "",
        "",
        "",
    ]

    def leeds(path: str, body: list[list], *, header_row=header) -> None:
        write_xlsx(
            broken / path,
            [["Broken plan"], ["Recommendation 1: Be better."], header_row, *body],
            title="Plan",
        )

    leeds(
        "no-header.xlsx",
        [["1.1", "Aim", "Do the thing"], ["1.2", "Aim", "Do more"]],
        header_row=["Number of things", "Colour", "Size"],
    )
    missing = [h for h in header if not h.startswith("Action")]
    leeds("missing-action-column.xlsx", [good[:2] + good[3:]], header_row=missing)
    leeds(
        "duplicate-numbers.xlsx",
        [
            good,
            ["1.2", "Aim", "Another", *[""] * 10],
            ["1.2", "Aim", "Again", *[""] * 10],
        ],
    )
    with_refs = [*header, "Cross-references"]
    leeds(
        "bad-cross-reference.xlsx",
        [good + ["9.9"], ["1.2", "Aim", "Another", *[""] * 10, "1.1"]],
        header_row=with_refs,
    )
    leeds(
        "too-long.xlsx",
        [
            ["1.1", "Aim", "Text", "", "", "Sep-08", "x" * 150, "", "", "", "", "", ""],
            ["1.2" * 10, "Aim", "Text", *[""] * 10],
        ],
    )
    leeds(
        "unreadable-date.xlsx",
        [
            [
                "1.1",
                "Aim",
                "Text",
                "",
                "Amber ↑",
                "Summer 2001",
                "Nov-08",
                "",
                "",
                "",
                "",
                "",
                "",
            ]
        ],
    )
    leeds(
        "finish-before-start.xlsx",
        [["1.1", "Aim", "Text", "", "", "Dec-08", "Nov-08", "", "", "", "", "", ""]],
    )
    rows = [[f"1.{n}", "Aim", f"Action {n}"] for n in range(1, 5102)]
    write_csv(
        broken / "too-many-rows.csv", [["Recommendation 1: Be better."], header, *rows]
    )
    _formula_file(broken / "formulas.xlsx")
    _bomb_files(broken)


def _formula_file(path: Path) -> None:
    """Formulas with the values Excel saved for them, and one formula with none."""
    header = list(LEEDS_HEADER[:13])
    write_xlsx(
        path,
        [
            ["Recommendation 1: Be better."],
            header,
            [
                "1.1",
                "Aim",
                '=CONCAT("Meet ","partners")',
                "",
                "",
                "Sep-08",
                "Nov-08",
                "",
                "",
                "",
                "",
                "=1+1",
                "",
            ],
            [
                "1.2",
                "Aim",
                "Second",
                "",
                "",
                "Sep-08",
                "Nov-08",
                "",
                "",
                "",
                "",
                "=2+2",
                "",
            ],
        ],
        title="Plan",
    )
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    # openpyxl writes formulas without values; add what Excel would have saved, except
    # for the last one.
    sheet = sheet.replace(
        '<c r="C3" s="1"><f>CONCAT("Meet ","partners")</f><v /></c>',
        '<c r="C3" s="1" t="str"><f>CONCAT("Meet ","partners")</f><v>Meet partners</v></c>',
    )
    sheet = sheet.replace(
        '<c r="L3" s="1"><f>1+1</f><v /></c>',
        '<c r="L3" s="1" t="str"><f>1+1</f><v>2</v></c>',
    )
    assert "Meet partners" in sheet and "<v>2</v>" in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


def _bomb_files(broken: Path) -> None:
    header = list(LEEDS_HEADER[:13])
    base = io.BytesIO()
    write_xlsx(base, [["Recommendation 1: Be better."], header], title="Plan")  # type: ignore[arg-type]
    with zipfile.ZipFile(base) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}

    def save(name: str, extra: dict[str, bytes]) -> None:
        with zipfile.ZipFile(broken / name, "w", zipfile.ZIP_DEFLATED) as archive:
            for part, content in {**parts, **extra}.items():
                archive.writestr(part, content)

    entities = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{n} "{"&lol" + str(n - 1) + ";" if n > 1 else "&lol;"}'.encode()
            + b"&lol;" * 9
            + b'">'
            for n in range(1, 10)
        )
        + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        + b' count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
    save("entity-expansion.xlsx", {"xl/sharedStrings.xml": entities})
    huge = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>"
        + b"A" * (60 * 1024 * 1024)
        + b"</t></si></sst>"
    )
    save("huge-shared-strings.xlsx", {"xl/sharedStrings.xml": huge})


def main() -> None:
    leeds = leeds_rows()
    dudley = dudley_rows()
    write_xlsx(
        HERE / "leeds-iwc.xlsx",
        leeds,
        title="August progress report",
        date_columns=(5, 6, 7),
        status_columns=(3, 4),
    )
    write_csv(HERE / "leeds-iwc.csv", leeds)
    write_xlsx(HERE / "dudley-cqc.xlsx", dudley, title="Action plan")
    write_csv(HERE / "dudley-cqc.csv", dudley)
    write_broken_files()


if __name__ == "__main__":
    main()
