"""A committee pack as a Word document (.docx), for committee services' agendas.

It reads the same context as the page and the PDF (`CommitteePack`), in the same order
and with the same words, so the three say the same thing. Word's own heading styles
(Heading 1–3) make the navigation pane and an agenda's contents work; the progress
report is a real table in a landscape section whose header row repeats on every page;
every status is written as text, never as a cell colour alone; the footer numbers the
pages with a PAGE field, which Word and LibreOffice fill in.
"""

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from .columns import cell_text
from .selectors import CommitteePack, PeriodReport, ReportItem
from .templatetags.reporting import _BULLETS


def _narrative(doc, text: str) -> None:
    """Plain text as the page's `narrative` filter reads it: paragraphs split on blank
    lines, "- " lines as bulleted list items."""
    for paragraph in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        run: list[str] = []
        for line in [*lines, None]:
            if line is not None and line.startswith(_BULLETS):
                if run:
                    doc.add_paragraph("\n".join(run))
                    run = []
                doc.add_paragraph(line[2:].strip(), style="List Bullet")
            elif line is None:
                if run:
                    doc.add_paragraph("\n".join(run))
            else:
                run.append(line)


def _repeat_header(table: Table) -> None:
    """Mark the first row as a header row, repeated at the top of every page."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True


def _table(doc, headings: list[str], rows: list[list[str]]) -> Table:
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = heading
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    _repeat_header(table)
    doc.add_paragraph()
    return table


def _page_number_footer(section, text: str) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.text = f"{text} – page "
    run = paragraph.add_run()
    begin, instruction, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instruction)
    run._r.append(end)


def _landscape(doc):
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    return section


def _portrait(doc):
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = section.page_height, section.page_width
    return section


def _cover(doc, pack: CommitteePack) -> None:
    cover, meetings = pack.cover, pack.meetings
    body = meetings[0].body if meetings else "the scrutiny board"
    doc.add_heading(f"Report to {body}", level=2)
    period = pack.period
    if period:
        which = "closed" if period.is_closed else "reported"
        source = f"{period.label}, the {pack.range_noun}'s last {which} month"
    else:
        source = "no month: the plan has no reporting period in it"
    left_out = ""
    if pack.left_out:
        labels = ", ".join(p.label for p in pack.left_out)
        left_out = f" Not yet closed, so not in this report: {labels}."
    doc.add_paragraph(
        f"Period: {pack.quarter_label}. The summary and progress report that follow "
        f"are those of {source}.{left_out}"
    )
    if cover is None:
        doc.add_paragraph("No cover report has been written for this period yet.")
        return
    facts = []
    if cover.report_of:
        facts.append(("Report of", cover.report_of))
    if cover.wards_affected:
        facts.append(("Wards affected", cover.wards_affected))
    if pack.authors:
        label = "Report author" + ("s" if len(pack.authors) > 1 else "")
        names = [f"{c.name}, {c.role}" if c.role else c.name for c in pack.authors]
        facts.append((label, "; ".join(names)))
    for label, value in facts:
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    if meetings:
        doc.add_heading("Meetings", level=3)
        _table(
            doc,
            ["Meeting", "Date"],
            [
                [m.body, f"{m.date.day} {m.date:%B %Y}" if m.date else "Not yet set"]
                for m in meetings
            ],
        )
    sections = [
        ("Purpose of this report", cover.purpose),
        ("Summary of main issues", cover.summary),
        *(
            (f"Recommendations to {m.body}", m.recommendations)
            for m in meetings
            if m.recommendations
        ),
        *pack.implications,
        ("Background papers", cover.background_papers),
    ]
    for heading, text in sections:
        if text.strip():
            doc.add_heading(heading, level=3)
            _narrative(doc, text)
    if pack.contacts:
        doc.add_heading("Officers to contact", level=3)
        for c in pack.contacts:
            parts = [f"{c.name}, {c.role}" if c.role else c.name]
            parts += [f"Telephone: {c.telephone}"] if c.telephone else []
            parts += [f"Email: {c.email}"] if c.email else []
            doc.add_paragraph(". ".join(parts), style="List Bullet")


def _inspection(doc, pack: CommitteePack) -> None:
    inspection = pack.inspection
    if inspection is None:
        return
    doc.add_heading("The inspection's judgments", level=2)
    line = f"{inspection.inspectorate}: {inspection.title}"
    if inspection.published_label:
        line += f", published {inspection.published_label}"
    line += "."
    if inspection.rating:
        line += f" Rating: {inspection.rating}."
    doc.add_paragraph(line)
    if inspection.judgments:
        _table(
            doc,
            ["Area", "Grade", "Recommendations"],
            [[j.area, j.grade, j.recommendations_label] for j in inspection.judgments],
        )
    if inspection.unlinked:
        doc.add_paragraph(
            f"Recommendations linked to no judgment area: {inspection.unlinked_label}."
        )
    if inspection.key_strengths:
        doc.add_heading("Key strengths", level=3)
        _narrative(doc, inspection.key_strengths)
    if inspection.areas_for_development:
        doc.add_heading("Areas for development", level=3)
        _narrative(doc, inspection.areas_for_development)


def _progress_since(doc, pack: CommitteePack) -> None:
    progress = pack.progress
    if progress is None:
        return
    doc.add_heading(f"Progress since {progress.since.label}", level=2)
    doc.add_paragraph(
        f"Items by status at {progress.since_label}, and at the end of "
        f"{progress.now.label}."
    )
    _table(
        doc,
        ["Status", progress.since.label, progress.now.label, "Change"],
        [
            [row.label, str(row.before), str(row.now), row.change_label]
            for row in progress.rows
        ],
    )
    doc.add_heading("Items whose status changed", level=3)
    if progress.changes:
        _table(
            doc,
            ["No.", "Item", "Was", "Now"],
            [[c.number, c.text, c.before, c.now] for c in progress.changes],
        )
    else:
        doc.add_paragraph("No item's status changed.")


def _months(doc, pack: CommitteePack) -> None:
    doc.add_heading(f"Status by month, {pack.quarter_label}", level=2)
    if not pack.months:
        doc.add_paragraph("The plan has no reporting period in these months.")
        return
    labels = pack.status_labels
    _table(
        doc,
        ["Month", *labels, "Complete", "Overdue", "Slipped", "All items"],
        [
            [
                m.period.label + ("" if m.period.is_closed else " (open)"),
                *(str(m.count_for(label)) for label in labels),
                str(m.complete),
                str(m.overdue),
                str(m.slipped),
                str(m.total),
            ]
            for m in pack.months
        ],
    )


def _slippage_and_measures(doc, pack: CommitteePack) -> None:
    doc.add_heading("Slippage against the agreed plan", level=2)
    if pack.slippage:
        _table(
            doc,
            [
                "No.",
                "Baseline finish",
                "Current finish",
                "Months slipped",
                "Times revised",
                "Latest reason",
            ],
            [
                [
                    r.number,
                    r.baseline_label,
                    r.current_label,
                    str(r.months_slipped),
                    str(r.revisions),
                    r.latest_reason,
                ]
                for r in pack.slippage
            ],
        )
    else:
        doc.add_paragraph("No item's plan finish has moved later than its baseline.")
    if pack.measures and pack.period:
        doc.add_heading(f"Measures, as at the end of {pack.period.label}", level=2)
        _table(
            doc,
            ["Measure", "Baseline", "Latest", "Target", "Against target"],
            [
                [
                    m.name,
                    m.baseline_label or "–",
                    m.latest_label or "–",
                    m.target_text or "–",
                    m.state_label,
                ]
                for m in pack.measures
            ],
        )


def _unit_rows(units: list[ReportItem], date: str) -> list[list[str]]:
    dates = {
        "actual": lambda u: u.actual_finish_label,
        "start": lambda u: u.plan_start_label,
        "finish": lambda u: u.plan_finish_label,
    }[date]
    return [[u.number, u.text, dates(u), u.leads_label, u.status_label] for u in units]


def _summary(doc, report: PeriodReport) -> None:
    doc.add_heading(f"Summary report – {report.period.label}", level=2)
    lists = [
        ("Completed this period", report.lists.completed, "Actual finish", "actual"),
        ("Overdue", report.lists.overdue, "Plan finish", "finish"),
        (
            "Due for completion by the next period",
            report.lists.due_next,
            "Plan finish",
            "finish",
        ),
        (
            "Commencing in the next period",
            report.lists.commencing_next,
            "Plan start",
            "start",
        ),
    ]
    for heading, units, date_heading, date in lists:
        doc.add_heading(heading, level=3)
        if units:
            _table(
                doc,
                ["No.", "Action", date_heading, "Lead", "Status"],
                _unit_rows(units, date),
            )
        else:
            doc.add_paragraph("None.")
    doc.add_heading("Overview", level=3)
    _narrative(doc, report.period.overview or "No overview has been written.")
    doc.add_heading("Risks", level=3)
    _narrative(doc, report.period.risks or "No risks have been written.")
    doc.add_heading("Amendments to the action plan", level=3)
    for entry in report.register:
        changes = "; ".join(entry.changes)
        doc.add_paragraph(f"{entry.number}: {changes} ({entry.decision})")
    if report.period.amendments:
        _narrative(doc, report.period.amendments)
    elif not report.register:
        doc.add_paragraph("No amendments are requested.")


def _progress(doc, report: PeriodReport) -> None:
    doc.add_heading(f"Progress report – {report.period.label}", level=2)
    doc.add_paragraph(
        "Status key: "
        + "; ".join(
            f"{s.label}: {s.meaning}" if s.meaning else s.label for s in report.statuses
        )
        + "."
    )
    columns = report.columns
    # As the page: recommendations under their sections when the plan groups them.
    group_level = 4 if report.by_section else 3
    for section in report.sections:
        if report.by_section:
            doc.add_heading(section.heading, level=3)
        for group in section.groups:
            _progress_group(doc, report, group, columns, group_level)


def _progress_group(doc, report: PeriodReport, group, columns, level: int) -> None:
    numbers = ", ".join(r.number for r in group.recommendations)
    heading = (
        f"Recommendation{'s' if len(group.recommendations) > 1 else ''} {numbers}"
        if numbers
        else "Other actions"
    )
    doc.add_heading(heading, level=level)
    for rec in group.recommendations:
        doc.add_paragraph(f"{rec.number}. {rec.text}")
    rows = [
        [cell_text(item, column, report) for column in columns]
        for block in group.blocks
        for item in [block.action, *block.milestones]
    ]
    table = _table(doc, [c.heading for c in columns], rows)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)


def committee_docx(pack: CommitteePack) -> bytes:
    """The pack as a .docx file's bytes."""
    doc = Document()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    properties = doc.core_properties
    properties.title = f"{pack.title}: {pack.quarter_label}"
    properties.subject = pack.plan.title
    properties.author = (
        "; ".join(c.name for c in pack.authors) if pack.authors else pack.plan.owner
    )
    properties.comments = f"{pack.plan.owner}: {pack.plan.title}"
    first = doc.sections[0]
    first.left_margin = first.right_margin = Cm(2)
    _page_number_footer(first, f"{pack.plan.title}, {pack.quarter_label}")

    doc.add_paragraph(pack.plan.owner)
    doc.add_heading(pack.title, level=1)
    doc.add_paragraph(f"{pack.plan.title}: {pack.quarter_label}")
    if pack.is_draft:
        doc.add_paragraph(
            "DRAFT – a month of this period is still open: statuses and narratives "
            "may change until the month is closed."
        )
    _cover(doc, pack)
    _inspection(doc, pack)
    _progress_since(doc, pack)
    _months(doc, pack)
    _slippage_and_measures(doc, pack)
    if pack.report:
        _summary(doc, pack.report)
        _landscape(doc)
        _progress(doc, pack.report)
        if pack.evidence:
            _portrait(doc)
            doc.add_heading(f"Appendix: evidence, {pack.quarter_label}", level=2)
            _table(
                doc,
                ["No.", "Evidence", "Refers to", "Attached in"],
                [
                    [g.number, e.title, e.refers_to_label, e.month_label]
                    for g in pack.evidence
                    for e in g.entries
                ],
            )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
