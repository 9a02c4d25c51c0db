"""Evidence tests: the Leeds cycle (August closed, September open), September updates of
the action and both milestones, stored files in a folder of the test's own."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplans.models import Evidence
from tests import factories
from tests.actionplans.conftest import cycle  # noqa: F401
from tests.storage.conftest import moto_endpoint, s3  # noqa: F401

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JULY_30 = datetime.date(2009, 7, 30)


def office_zip(members: dict[str, bytes] | None = None) -> bytes:
    """A minimal Word document (.docx), with `members` added."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/word/document.xml" '
            f'ContentType="{WORD_MAIN}.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
        for name, content in (members or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def upload(name: str = "minutes.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class Stored:
    """The files in storage (a folder of the test's own)."""

    def __init__(self, root: Path):
        self.root = root

    def files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*") if p.is_file())

    def names(self) -> list[str]:
        return [str(p.relative_to(self.root)) for p in self.files()]


@pytest.fixture
def stored(settings, tmp_path) -> Stored:
    """Django's default storage writes here during the test (the setting_changed signal
    resets FileSystemStorage's location)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Stored(settings.MEDIA_ROOT)


class Month:
    """September's updates: the action's and each milestone's."""

    def __init__(self, leeds):
        self.cycle = leeds
        september = leeds.september
        self.action = factories.make_update(
            september, action=leeds.action, status_label="Amber"
        )
        self.milestone_a = factories.make_update(
            september, milestone=leeds.milestone_a, status_label="Green"
        )
        self.milestone_b = factories.make_update(
            september, milestone=leeds.milestone_b, status_label="Amber"
        )

    def page(self, update=None) -> str:
        update = update or self.action
        return reverse("evidence:item", args=[self.cycle.plan.slug, update.pk])

    def add(self, client, update=None, **fields):
        data = {"title": "Board minutes", "refers_to": "30/07/2009"}
        if "file" not in fields and "url" not in fields:
            data["file"] = upload()
        data |= fields
        return client.post(self.page(update), data)


@pytest.fixture
def month(cycle, stored) -> Month:  # noqa: F811
    return Month(cycle)


def make_evidence(update, **fields) -> Evidence:
    """A row as the service writes it (the file itself is not stored)."""
    values = {"title": "Minutes", "refers_to": JULY_30}
    if "url" not in fields:
        values |= {
            "file_name": "minutes.pdf",
            "sha256": "ab" * 32,
            "size": len(PDF),
            "content_type": "application/pdf",
        }
    return Evidence.objects.create(update=update, **(values | fields))
