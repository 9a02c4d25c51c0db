"""What the evidence form refuses: each with its message at the field, and nothing kept
(no row, no stored file)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from actionplans.models import Evidence
from evidence.forms import EvidenceForm

from .conftest import PDF, office_zip, upload

pytestmark = pytest.mark.django_db

ACCEPTED = "Attach the PDF, Word, Excel, PowerPoint, image or CSV file itself."


def _refused(client, month, stored, field: str, message: str, **fields):
    client.force_login(month.cycle.lead)
    response = month.add(client, **fields)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    page = response.content.decode()
    assert f'id="id_{field}-error"' in page
    assert f'<a href="#id_{field}">' in page  # the error summary links to the field
    assert not Evidence.objects.exists()
    assert stored.files() == []
    return response


@override_settings(EVIDENCE_MAX_BYTES=1000)
def test_a_file_over_the_limit(client, month, stored):
    big = PDF + b"0" * 1500
    _refused(
        client,
        month,
        stored,
        "file",
        "The file is 1.5 KB: the largest accepted is 1000 bytes.",
        file=upload("report.pdf", big),
    )


def test_the_limit_in_force_is_stated_on_the_form(settings):
    settings.EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
    assert "up to 5 MB" in EvidenceForm().fields["file"].help_text


def test_an_empty_file(client, month, stored):
    _refused(
        client, month, stored, "file", "The file is empty.", file=upload("a.pdf", b"")
    )


def test_a_program(client, month, stored):
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100
    _refused(
        client,
        month,
        stored,
        "file",
        f"setup.exe is a program, which is not accepted. {ACCEPTED}",
        file=upload("setup.exe", program),
    )


def test_a_program_renamed_pdf(client, month, stored):
    _refused(
        client,
        month,
        stored,
        "file",
        f"minutes.pdf is not a PDF: its content is a program. {ACCEPTED}",
        file=upload("minutes.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 50),
    )


def test_html_renamed_pdf(client, month, stored):
    page = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
    _refused(
        client,
        month,
        stored,
        "file",
        f"report.pdf is not a PDF: its content is HTML. {ACCEPTED}",
        file=upload("report.pdf", page),
    )


def test_a_png_named_pdf(client, month, stored):
    _refused(
        client,
        month,
        stored,
        "file",
        "chart.pdf is not a PDF: its content is a PNG image. Check it is the right "
        "file; if it is, rename it chart.png and attach it again.",
        file=upload("chart.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),
    )


def test_a_zip_bomb_disguised_as_a_word_document(client, month, stored):
    """Five MB of zeros packs into a few KB: 100 times its size is the most allowed."""
    bomb = office_zip({"word/media/padding.bin": b"\x00" * (5 * 1024 * 1024)})
    assert len(bomb) < 20_000
    response = _refused(
        client,
        month,
        stored,
        "file",
        f"plan.docx would unpack to 5 MB, far more than any Office document of its "
        f"size: it is not accepted. {ACCEPTED}",
        file=upload("plan.docx", bomb),
    )
    assert response.context["form"].has_error("file", code="zip_bomb")


def test_a_zip_that_is_not_an_office_document(client, month, stored):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    _refused(
        client,
        month,
        stored,
        "file",
        f"plan.docx is not a Word document: its content is a zip archive. {ACCEPTED}",
        file=upload("plan.docx", buffer.getvalue()),
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "javascript:alert(document.cookie)",
            "Enter the whole web address, starting https:// or http://, not "
            "javascript:. For example https://www.leeds.gov.uk/minutes",
        ),
        (
            "ftp://files.leeds.gov.uk/minutes.pdf",
            "Enter the whole web address, starting https:// or http://, not ftp:. "
            "For example https://www.leeds.gov.uk/minutes",
        ),
        (
            "data:text/html,<script>alert(1)</script>",
            "Enter the whole web address, starting https:// or http://, not data:. "
            "For example https://www.leeds.gov.uk/minutes",
        ),
        (
            "www.leeds.gov.uk/minutes",
            "Enter the whole web address, starting https:// or http://. For example "
            "https://www.leeds.gov.uk/minutes",
        ),
        (
            "https://",
            "Enter the link as a web address, for example "
            "https://www.leeds.gov.uk/minutes",
        ),
    ],
)
def test_a_link_that_is_not_a_web_address(client, month, stored, url, message):
    _refused(client, month, stored, "url", message, url=url)


def test_a_date_in_the_future(client, month, stored):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    _refused(
        client,
        month,
        stored,
        "refers_to",
        "The date it refers to must be today or in the past.",
        refers_to=tomorrow.strftime("%d/%m/%Y"),
    )


def test_a_date_that_is_not_a_date(client, month, stored):
    _refused(
        client,
        month,
        stored,
        "refers_to",
        "Enter the date it refers to as a date, like 30/07/2009.",
        refers_to="July",
    )


def test_no_title(client, month, stored):
    _refused(client, month, stored, "title", "Enter a title.", title="\u200b ")


def test_both_a_file_and_a_link(client, month, stored):
    _refused(
        client,
        month,
        stored,
        "file",
        "Attach a file or give a link, not both.",
        file=upload(),
        url="https://www.leeds.gov.uk/minutes",
    )


def test_neither_a_file_nor_a_link(client, month, stored):
    _refused(
        client,
        month,
        stored,
        "file",
        "Attach a file or give a link.",
        file="",
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "C:\\Users\\hpaxton\\minutes.pdf",
            "The file name contains a folder separator (/ or \\): attach the file "
            "itself, with a plain name.",
        ),
        (
            "minutes\x07.pdf",
            "The file name contains control or invisible characters: rename the file "
            "and attach it again.",
        ),
        (
            "minutes\u202efdp.exe",
            "The file name contains control or invisible characters: rename the file "
            "and attach it again.",
        ),
    ],
)
def test_a_file_name_with_folders_or_control_characters(name, message, stored):
    """Refused at the field. (Over HTTP Django's request parser already drops folders
    and unprintable characters; see the next test.)"""
    form = EvidenceForm(
        {"title": "Minutes", "refers_to": "30/07/2009"},
        {"file": SimpleUploadedFile(name, PDF)},
    )
    assert not form.is_valid()
    assert form.errors["file"] == [message]


def test_a_posted_name_keeps_only_its_last_part(client, month, stored):
    """What a browser sends as a path arrives as its last part: nothing of the path
    reaches the name kept, nor the storage."""
    client.force_login(month.cycle.lead)
    sent = SimpleUploadedFile("minutes.pdf", PDF)
    sent.name = "..\\..\\etc\\minutes\x07.pdf"  # after SimpleUploadedFile's own clean
    response = month.add(client, file=sent)
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.file_name == "minutes.pdf"
    assert stored.names() == [evidence.storage_name]
