"""lib.uploads: a file's type is read from its content, and its name must agree."""

import hashlib
import io
import zipfile

import pytest

from lib import uploads
from lib.uploads import UploadRefused, safe_file_name, size_text, upload_check

MB = 1024 * 1024
ACCEPTED = "Attach the PDF, Word, Excel, PowerPoint, image or CSV file itself."

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 10
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POWERPOINT = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def ooxml(main_type: str, members: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/x.xml" ContentType="{main_type}"/></Types>',
        )
        for name, content in (members or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def check(content: bytes, name: str, max_bytes: int = 20 * MB):
    return upload_check(io.BytesIO(content), name=name, max_bytes=max_bytes)


def refusal(content: bytes, name: str, max_bytes: int = 20 * MB) -> UploadRefused:
    with pytest.raises(UploadRefused) as refused:
        check(content, name, max_bytes)
    return refused.value


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (PDF, "minutes.pdf", "application/pdf"),
        (PNG, "chart.png", "image/png"),
        (JPEG, "photo.jpg", "image/jpeg"),
        (JPEG, "photo.JPEG", "image/jpeg"),
        (GIF, "logo.gif", "image/gif"),
        (OLE2, "report.doc", "application/msword"),
        (OLE2, "figures.xls", "application/vnd.ms-excel"),
        (OLE2, "slides.ppt", "application/vnd.ms-powerpoint"),
        (ooxml(f"{WORD}.main+xml"), "plan.docx", WORD),
        (ooxml(f"{EXCEL}.main+xml"), "figures.xlsx", EXCEL),
        (ooxml(f"{POWERPOINT}.main+xml"), "board.pptx", POWERPOINT),
        (
            b"Month,Reviews\nJuly,76%\n",
            "figures.csv",
            "text/csv; charset=utf-8",
        ),
        ("Café notes – July".encode(), "notes.txt", "text/plain; charset=utf-8"),
        (
            "Caf\xe9 notes".encode("cp1252"),
            "notes.txt",
            "text/plain; charset=windows-1252",
        ),
        (b"\xef\xbb\xbfMonth,Reviews\r\n", "figures.csv", "text/csv; charset=utf-8"),
        (b"a > b, 3 < 4\n", "notes.txt", "text/plain; charset=utf-8"),
    ],
)
def test_accepted_files_and_their_type_from_content(content, name, content_type):
    checked = check(content, name)
    assert checked.name == name
    assert checked.content_type == content_type
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


def test_a_large_file_is_read_in_chunks_and_hashed_whole():
    content = b"Month,Reviews\n" + b"July,76%\n" * 100_000  # 900 KB, many chunks
    checked = check(content, "figures.csv")
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.size == len(content)


def test_the_checked_file_is_handed_back_for_storing():
    file = io.BytesIO(PDF)
    assert upload_check(file, name="a.pdf", max_bytes=MB).file is file


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b"<!DOCTYPE html><html><body>Minutes</body></html>",
            "report.pdf",
            f"report.pdf is not a PDF: its content is HTML. {ACCEPTED}",
        ),
        (
            b"  \n<svg onload=alert(1)>",
            "figures.csv",
            f"figures.csv is not a CSV file: its content is HTML. {ACCEPTED}",
        ),
        (
            b"\xef\xbb\xbf<?xml version='1.0'?><x/>",
            "notes.txt",
            f"notes.txt is not a text file: its content is XML. {ACCEPTED}",
        ),
        (
            b"Name,Note\nA,hello <SCRIPT src=//evil.example></script>\n",
            "figures.csv",
            f"figures.csv is not a CSV file: its content is HTML. {ACCEPTED}",
        ),
        (
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",
            "setup.exe",
            f"setup.exe is a program, which is not accepted. {ACCEPTED}",
        ),
        (
            b"\x7fELF\x02\x01\x01\x00",
            "report.docx",
            f"report.docx is not a Word document: its content is a program. {ACCEPTED}",
        ),
        (
            b"#!/bin/sh\nrm -rf ~\n",
            "notes.txt",
            f"notes.txt is not a text file: its content is a program. {ACCEPTED}",
        ),
        (
            b"\xcf\xfa\xed\xfe\x07\x00\x00\x01",
            "figures.xlsx",
            f"figures.xlsx is not an Excel workbook: its content is a program. "
            f"{ACCEPTED}",
        ),
        (
            b"Month\x00Reviews",
            "figures.csv",
            f"figures.csv is not a CSV file: its content is not one of the types "
            f"accepted. {ACCEPTED}",
        ),
        (
            b"\x81\x8d\x8f\x90\x9d\xff\xfe",  # neither UTF-8 nor Windows-1252
            "notes.txt",
            f"notes.txt is not a text file: its content is not one of the types "
            f"accepted. {ACCEPTED}",
        ),
        (
            b"\x00\x01\x02 binary",
            "data.bin",
            f"data.bin is not accepted: its content is not one of the types accepted. "
            f"{ACCEPTED}",
        ),
    ],
)
def test_content_refused_whatever_its_name(content, name, message):
    refused = refusal(content, name)
    assert str(refused) == message
    assert refused.code == "content_type"


def test_markup_split_across_two_chunks_is_found():
    before = b"x" * (uploads.CHUNK_BYTES - 3)
    refused = refusal(before + b"<script>alert(1)</script>", "notes.txt")
    assert "its content is HTML" in str(refused)


def test_text_that_starts_with_mz_is_text():
    """A Windows program's header always holds zero bytes; text never does."""
    assert check(b"MZ Smith,Lead\n", "people.csv").content_type.startswith("text/csv")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            PNG,
            "chart.pdf",
            "chart.pdf is not a PDF: its content is a PNG image. Check it is the right "
            "file; if it is, rename it chart.png and attach it again.",
        ),
        (
            PDF,
            "minutes.docx",
            "minutes.docx is not a Word document: its content is a PDF. Check it is "
            "the right file; if it is, rename it minutes.pdf and attach it again.",
        ),
        (
            PDF,
            "minutes",
            "minutes is a PDF, but its name does not end .pdf: rename it minutes.pdf "
            "and attach it again.",
        ),
        (
            JPEG,
            "photo.exe",
            "photo.exe is a JPEG image, but its name does not end .jpg or .jpeg: "
            "rename it photo.jpg and attach it again.",
        ),
        (
            b"Month,Reviews\n",
            "figures.html",
            "figures.html is a CSV or text file, but its name does not end .csv or "
            ".txt: rename it figures.csv and attach it again.",
        ),
        (
            ooxml(f"{EXCEL}.main+xml"),
            "figures.docx",
            "figures.docx is not a Word document: its content is an Excel workbook. "
            "Check it is the right file; if it is, rename it figures.xlsx and attach "
            "it again.",
        ),
    ],
)
def test_the_name_must_agree_with_the_content(content, name, message):
    refused = refusal(content, name)
    assert str(refused) == message
    assert refused.code == "name_disagrees"


def test_an_empty_file():
    refused = refusal(b"", "minutes.pdf")
    assert (str(refused), refused.code) == ("The file is empty.", "empty")


def test_a_file_over_the_limit():
    refused = refusal(PDF + b"0" * int(23.4 * MB), "minutes.pdf", 20 * MB)
    assert str(refused) == "The file is 23.4 MB: the largest accepted is 20 MB."
    assert refused.code == "too_big"


def test_a_file_of_unknown_size_over_the_limit_is_measured_whole():
    refused = refusal(PDF + b"0" * 300_000, "minutes.pdf", 100 * 1024)
    assert str(refused) == "The file is 293 KB: the largest accepted is 100 KB."


def test_a_declared_size_is_refused_before_reading():
    class Big(io.BytesIO):
        size = 30 * MB

        def read(self, *args):
            raise AssertionError("read although its size was known")

    with pytest.raises(UploadRefused, match="The file is 30 MB"):
        upload_check(Big(), name="minutes.pdf", max_bytes=20 * MB)


def test_a_zip_bomb_is_refused_without_unpacking_it():
    bomb = ooxml(f"{WORD}.main+xml", {"word/document.xml": b"\x00" * (10 * MB)})
    refused = refusal(bomb, "plan.docx")
    assert refused.code == "zip_bomb"
    assert str(refused).startswith("plan.docx would unpack to 10 MB, far more than")


def test_a_zip_bigger_unpacked_than_any_document_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNZIPPED_BYTES", 1000)
    document = ooxml(f"{WORD}.main+xml", {"word/document.xml": bytes(range(256)) * 8})
    assert refusal(document, "plan.docx").code == "zip_bomb"


def test_a_zip_of_too_many_parts_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_ENTRIES", 5)
    parts = {f"word/part{n}.xml": b"<x/>" for n in range(5)}
    refused = refusal(ooxml(f"{WORD}.main+xml", parts), "plan.docx")
    assert refused.code == "zip_bomb"
    assert "holds more than 5 parts" in str(refused)


@pytest.mark.parametrize(
    "path", ["../../etc/cron.d/job", "/etc/passwd", "word\\..\\x.xml", "C:/x.xml"]
)
def test_a_zip_with_a_path_outside_the_document_is_refused(path):
    refused = refusal(ooxml(f"{WORD}.main+xml", {path: b"x"}), "plan.docx")
    assert refused.code == "zip_path"


@pytest.mark.parametrize(
    ("main_type", "members"),
    [
        ("application/vnd.ms-word.document.macroEnabled.main+xml", {}),
        (f"{WORD}.main+xml", {"word/vbaProject.bin": b"\x00"}),
    ],
)
def test_an_office_document_with_macros_is_refused(main_type, members):
    refused = refusal(ooxml(main_type, members), "plan.docx")
    assert refused.code == "macros"
    assert str(refused).startswith("plan.docx contains macros, which can run programs")


def test_a_zip_that_is_not_an_office_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("minutes.pdf", PDF)
    assert str(refusal(buffer.getvalue(), "minutes.zip")) == (
        f"minutes.zip is a zip archive, which is not accepted. {ACCEPTED}"
    )
    assert "its content is a zip archive" in str(
        refusal(buffer.getvalue(), "minutes.docx")
    )


def test_a_damaged_zip_is_refused():
    refused = refusal(b"PK\x03\x04" + b"\x00" * 100, "plan.docx")
    assert refused.code == "damaged"
    assert str(refused) == (
        "plan.docx is damaged: it cannot be opened as a Word, Excel or PowerPoint "
        "file. Save it again and attach the new copy."
    )


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("reports/minutes.pdf", "name_path"),
        ("C:\\Users\\me\\minutes.pdf", "name_path"),
        ("../minutes.pdf", "name_path"),
        ("minutes\n.pdf", "name_control"),
        ("minutes\x00.pdf", "name_control"),
        ("invoice\u202efdp.exe", "name_control"),  # reads "invoiceexe.pdf"
        ("", "name_empty"),
        ("  ", "name_empty"),
        ("..", "name_empty"),
    ],
)
def test_unsafe_names_are_refused_not_changed(name, code):
    with pytest.raises(UploadRefused) as refused:
        safe_file_name(name)
    assert refused.value.code == code


def test_a_refused_name_stops_the_check_before_reading():
    with pytest.raises(UploadRefused, match="folder separator"):
        check(PDF, "../../minutes.pdf")


def test_a_long_name_is_shortened_keeping_its_extension():
    name = safe_file_name("a" * 300 + ".pdf")
    assert len(name) == 200 and name.endswith("a.pdf")
    assert safe_file_name(" Board minutes (July).pdf ") == "Board minutes (July).pdf"


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (1, "1 byte"),
        (1000, "1000 bytes"),
        (1024, "1 KB"),
        (48 * 1024 + 300, "48.3 KB"),
        (20 * MB, "20 MB"),
        (int(23.4 * MB), "23.4 MB"),
    ],
)
def test_size_text(size, text):
    assert size_text(size) == text
