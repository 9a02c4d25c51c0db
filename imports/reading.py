"""Reading an uploaded xlsx or csv file into plain rows of cells, safely.

Limits are checked before anything is parsed: file size, the uncompressed size and
compression ratio of every part of an xlsx (zip bombs, huge shared strings), XML entity
declarations (openpyxl parses through defusedxml as well), encrypted (password-protected)
workbooks and old .xls files. Formulas are never evaluated: a formula cell gives the value
Excel saved with it, and one without a saved value is reported.
"""

import csv
import datetime
import io
import itertools
import re
import time
import zipfile
from dataclasses import dataclass, field

import openpyxl
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lib.spreadsheets import text_unguard

MAX_FILE_BYTES = 10 * 1024 * 1024
# The row limit and the time limit are settings: IMPORT_MAX_ROWS, IMPORT_PARSE_TIMEOUT.
MAX_COLUMNS = 40
# An xlsx part larger than this once unzipped, or the whole workbook, is refused.
MAX_PART_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 150 * 1024 * 1024
MAX_RATIO = 200

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_ENTITY = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
# Start tags of rows, cells and shared texts in a part's XML, with or without a prefix.
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_TEXT_TAG = re.compile(rb"<(?:\w+:)?si[\s>/]")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MONTH_ONLY_FORMAT = re.compile(r"^[^d]*m{3,}[^d]*y+[^d]*$", re.IGNORECASE)

if not openpyxl.DEFUSEDXML:  # pragma: no cover - a broken install, not a runtime state
    raise ImproperlyConfigured(
        "defusedxml must be installed to read xlsx files safely."
    )


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass
class Cell:
    value: object = None
    text: str = ""
    fill: str | None = None
    month_only: bool = False
    formula_without_value: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()


@dataclass
class Row:
    sheet: str
    number: int
    cells: list[Cell] = field(default_factory=list)

    def cell(self, index: int | None) -> Cell:
        if index is None or index >= len(self.cells):
            return Cell()
        return self.cells[index]

    @property
    def is_empty(self) -> bool:
        return all(cell.is_empty for cell in self.cells)


@dataclass
class Sheet:
    name: str
    rows: list[Row]


class _Budget:
    """The rows and the time left for reading one file.

    Every row read counts, blank or not: a small xlsx can hold half a million blank rows,
    and reading those ties up a worker as long as reading real ones.
    """

    def __init__(self) -> None:
        self.max_rows: int = settings.IMPORT_MAX_ROWS
        self.seconds: int = settings.IMPORT_PARSE_TIMEOUT
        self.deadline = time.monotonic() + self.seconds
        self.rows = 0

    def spend(self, *, sheet: str) -> None:
        """Count one row read from `sheet`; SpreadsheetError when over either limit."""
        self.rows += 1
        if self.rows > self.max_rows:
            raise self.too_many_rows(sheet="" if sheet == "CSV" else sheet)
        if time.monotonic() > self.deadline:
            raise SpreadsheetError(
                f"Reading the file took more than {self.seconds} seconds, so it was "
                "stopped. Delete empty rows and sheets the plan does not use, or split "
                "the plan, and upload it again."
            )

    def too_many_rows(self, *, sheet: str = "") -> SpreadsheetError:
        where = f", reached on sheet {sheet!r}" if sheet else ""
        return SpreadsheetError(
            f"The file has more than {self.max_rows:,} rows; the limit is "
            f"{self.max_rows:,}{where}. Empty rows count too: delete the empty "
            "rows below the plan, or split the plan."
        )


def spreadsheet_read(*, data: bytes, filename: str) -> list[Sheet]:
    """Every sheet of the file as rows of cells, or SpreadsheetError.

    Reading stops with SpreadsheetError at IMPORT_MAX_ROWS rows (blank ones included) or
    after IMPORT_PARSE_TIMEOUT seconds.
    """
    budget = _Budget()
    if len(data) > MAX_FILE_BYTES:
        raise SpreadsheetError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB. Split the plan or remove pictures."
        )
    if not data:
        raise SpreadsheetError("The file is empty.")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED in data:
            raise SpreadsheetError(
                "The workbook is password-protected. Remove the password in Excel "
                "(File, Info, Protect Workbook) and upload it again."
            )
        raise SpreadsheetError(
            "This is an old Excel 97–2003 (.xls) file. Save it as an Excel workbook "
            "(.xlsx) and upload that."
        )
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, budget)
    if extension in {"xlsx", "xlsm"}:
        raise SpreadsheetError(
            "The file is named .xlsx but is not an Excel workbook, or it is damaged."
        )
    if extension not in {"csv", "txt"}:
        raise SpreadsheetError(
            "This is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file."
        )
    return [_read_csv(data, budget)]


def _check_zip(archive: zipfile.ZipFile) -> None:
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_PART_BYTES or (
            info.file_size > 1024 * 1024 and ratio > MAX_RATIO
        ):
            raise SpreadsheetError(
                "The workbook expands to far more data than a plan holds "
                f"({info.filename} is {info.file_size // 1024 // 1024} MB unzipped). "
                "It may be damaged or built to attack the server; it was not read."
            )
    if total > MAX_TOTAL_BYTES:
        raise SpreadsheetError(
            "The workbook expands to far more data than a plan holds; it was not read."
        )
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        raise SpreadsheetError(
            "The file is a zip archive but not an Excel workbook. Upload an .xlsx or "
            "a CSV file."
        )
    for name in names:
        if name.endswith((".xml", ".rels")):
            with archive.open(name) as part:
                head = part.read(4096)
            if _ENTITY.search(head):
                raise SpreadsheetError(
                    f"The workbook contains XML entity declarations ({name}), which "
                    "Excel never writes. It was not read."
                )


def _check_counts(archive: zipfile.ZipFile, budget: _Budget) -> bool:
    """Refuse a workbook with more rows, cells or texts than the row limit allows,
    before openpyxl opens it: opening reads a whole sheet that does not state its size
    (openpyxl's own files, among others), beyond the reach of the time limit. True when
    a sheet has a formula."""
    rows = cells = texts = 0
    has_formulas = False
    max_cells = budget.max_rows * MAX_COLUMNS
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            part = archive.read(name)
            rows += _count(_ROW_TAG, part, budget.max_rows - rows)
            cells += _count(_CELL_TAG, part, max_cells - cells)
            has_formulas = has_formulas or _FORMULA_TAG.search(part) is not None
        elif name == "xl/sharedStrings.xml":
            texts += _count(_TEXT_TAG, archive.read(name), max_cells)
        if rows > budget.max_rows:
            raise budget.too_many_rows()
        if cells > max_cells or texts > max_cells:
            raise SpreadsheetError(
                f"The file has more than {max_cells:,} cells or texts, more than "
                f"{budget.max_rows:,} rows of a plan hold. Delete what the plan does "
                "not need, or split the plan."
            )
    return has_formulas


def _count(tag: re.Pattern, part: bytes, limit: int) -> int:
    """How many times `tag` occurs in `part`, counting no further than one past `limit`."""
    return sum(1 for _ in itertools.islice(tag.finditer(part), max(limit, 0) + 1))


def _read_xlsx(data: bytes, budget: _Budget) -> list[Sheet]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_zip(archive)
            if archive.testzip() is not None:
                raise SpreadsheetError(
                    "The workbook is damaged (a part fails its check)."
                )
            has_formulas = _check_counts(archive, budget)
    except zipfile.BadZipFile as exc:
        raise SpreadsheetError("The workbook is damaged and cannot be opened.") from exc
    formulas = None
    try:
        if has_formulas:
            # Read a second time, without saved values, only to tell a formula that
            # has none from an empty cell (reading a sheet is most of an import's time).
            formulas = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=False
            )
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True
        )
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise SpreadsheetError(
            "The workbook is damaged and cannot be opened. Open it in Excel, save it "
            "again as .xlsx and upload that."
        ) from exc
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            if getattr(worksheet, "sheet_state", "visible") != "visible":
                continue
            sheets.append(
                _read_worksheet(
                    worksheet,
                    formulas[worksheet.title] if formulas is not None else None,
                    budget,
                )
            )
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError(
            "The workbook is damaged and cannot be read to the end."
        ) from exc
    finally:
        workbook.close()
        if formulas is not None:
            formulas.close()
    return sheets


def _read_worksheet(worksheet, formulas, budget: _Budget) -> Sheet:
    """One sheet's rows; `formulas` is the same sheet read without saved values (None
    when the workbook has no formulas)."""
    rows = []
    pairs = zip(
        worksheet.iter_rows(max_col=MAX_COLUMNS),
        formulas.iter_rows(max_col=MAX_COLUMNS)
        if formulas is not None
        else itertools.repeat(None),
        strict=False,
    )
    for number, (cells, formula_cells) in enumerate(pairs, start=1):
        budget.spend(sheet=worksheet.title)
        row = Row(worksheet.title, number)
        if formula_cells is None:
            formula_cells = itertools.repeat(None, len(cells))
        for cell, formula in zip(cells, formula_cells, strict=False):
            is_formula = getattr(formula, "data_type", None) == "f"
            row.cells.append(_xlsx_cell(cell, is_formula))
        if not row.is_empty:
            rows.append(row)
    return Sheet(worksheet.title, rows)


def _xlsx_cell(cell, formula_row: bool) -> Cell:
    value = getattr(cell, "value", None)
    fill = None
    try:
        colour = cell.fill.fgColor
        if cell.fill.fill_type == "solid" and colour.type == "rgb":
            fill = colour.rgb
    except AttributeError:
        pass
    month_only = False
    if isinstance(value, datetime.datetime | datetime.date):
        number_format = getattr(cell, "number_format", "") or ""
        month_only = bool(_MONTH_ONLY_FORMAT.match(number_format))
        day = value.date() if isinstance(value, datetime.datetime) else value
        value = day
        text = day.strftime("%b-%y") if month_only else day.strftime("%d/%m/%Y")
    elif value is None:
        text = ""
    elif isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, int | float) and "%" in (
        getattr(cell, "number_format", "") or ""
    ):
        # Excel stores "76%" as 0.76 shown in a percent format: read what it shows.
        text = f"{value * 100:.10g}%"
    elif isinstance(value, float):
        text = f"{value:.10g}"
    else:
        text = str(value)
    return Cell(
        value=value,
        text=text_clean(text),
        fill=fill,
        month_only=month_only,
        formula_without_value=formula_row and value is None,
    )


def _read_csv(data: bytes, budget: _Budget) -> Sheet:
    if b"\x00" in data[:8192]:
        raise SpreadsheetError(
            "This is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file."
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise SpreadsheetError(
            "The CSV file's characters cannot be read; save it as UTF-8."
        )
    sample = text[:8192]
    # Only the delimiter is guessed; quoting is Excel's, which the sniffer can misread.
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;").delimiter
    except csv.Error:
        delimiter = ","
    rows = []
    try:
        reader = csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter)
        for number, values in enumerate(reader, start=1):
            budget.spend(sheet="CSV")
            row = Row(
                "CSV", number, [_csv_cell(value) for value in values[:MAX_COLUMNS]]
            )
            if not row.is_empty:
                rows.append(row)
    except csv.Error as exc:
        raise SpreadsheetError(f"The CSV file cannot be read: {exc}.") from exc
    if not rows:
        raise SpreadsheetError("The file has no rows.")
    return Sheet("CSV", rows)


def _csv_cell(value: str) -> Cell:
    # The export writes "'=..." so that spreadsheet programs show formulas as text.
    value = text_unguard(value)
    return Cell(value=value, text=text_clean(value))


def text_clean(text: str) -> str:
    """Cell text with Word's paragraph markup turned into blank lines, and tidy spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "<p>" in text or "</p>" in text:
        text = re.sub(r"\s*</p>\s*<p>\s*", "\n\n", text)
        text = text.replace("<p>", "").replace("</p>", "")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(lines).strip()
