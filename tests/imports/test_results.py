"""What the preview reports: changed fields by the names people use."""

import pytest

from imports.results import field_label
from imports.services import ImportOptions, plan_import_preview

from .helpers import import_new, read

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "name", "label"),
    [
        ("action", "actual_finish_text", "actual finish (as written)"),
        ("milestone", "plan_start_text", "plan start (as written)"),
        ("action", "plan_finish", "plan finish"),
        ("action", "success_criteria", "success criteria"),
        ("progress update", "status", "status"),
        ("no such kind", "some_field", "some field"),
    ],
)
def test_field_labels(kind, name, label):
    assert field_label(kind, name) == label


def test_the_preview_names_changed_fields_as_people_read_them():
    """A date's text changed without its date ("Completed" → "Complete") is "as written"."""
    plan = import_new("dudley-cqc.csv")
    text = read("dudley-cqc.csv").decode()
    edited = text.replace(
        "Head of Safeguarding - AH,Completed,", "Head of Safeguarding - AH,Complete,", 1
    )
    assert edited != text
    result = plan_import_preview(
        data=edited.encode(), filename="dudley.csv", options=ImportOptions(plan=plan)
    )
    assert result.ok, [str(p) for p in result.errors]
    assert [(kind, fields) for kind, _, fields in result.report.changes] == [
        ("action", ["plan_finish_text", "actual_finish_text"])
    ]
    [(kind, row, labels)] = result.changed_rows()
    assert labels == ["plan finish (as written)", "actual finish (as written)"]
    lines = "\n".join(result.lines())
    assert f"CHANGED action {row}: plan finish (as written), actual finish " in lines
    assert "_text" not in lines
