"""The render_report command: files for scheduled delivery, clear errors otherwise."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("report", "fmt", "magic"),
    [
        ("summary", "html", b"<!DOCTYPE html>"),
        ("progress", "pdf", b"%PDF"),
        ("progress", "xlsx", b"PK"),
        ("exceptions", "pdf", b"%PDF"),
        ("scrutiny", "pdf", b"%PDF"),
    ],
)
def test_render_report_writes_the_file(small_plan, tmp_path, report, fmt, magic):
    output = tmp_path / f"out.{fmt}"
    call_command(
        "render_report",
        plan=small_plan.plan.slug,
        period="2009-08",
        report=report,
        format=fmt,
        output=str(output),
    )
    assert output.read_bytes().startswith(magic)


def test_render_report_takes_the_plan_id_and_a_chief_officer(small_plan, tmp_path):
    output = tmp_path / "co.html"
    call_command(
        "render_report",
        "--plan",
        str(small_plan.plan.pk),
        "--period",
        "2009-08",
        "--report",
        "chief-officer",
        "--chief-officer",
        str(small_plan.chief2.pk),
        "--format",
        "html",
        "--output",
        str(output),
    )
    assert "Chief Officer (Resources)" in output.read_text()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"plan": "no-such-plan"}, "no plan with the id or slug"),
        ({"period": "August"}, "not a month written YYYY-MM"),
        ({"period": "2011-01"}, "no reporting period for January 2011"),
        ({"report": "summary", "format": "xlsx"}, "--format xlsx is for"),
        ({"report": "chief-officer"}, "--chief-officer is required"),
        ({"status": "Purple"}, "no status Purple"),
        ({"output": "/no/such/folder/x.pdf"}, "does not exist"),
    ],
)
def test_bad_arguments_fail_with_a_clear_message(
    small_plan, tmp_path, overrides, message
):
    options = {
        "plan": small_plan.plan.slug,
        "period": "2009-08",
        "report": "progress",
        "format": "html",
        "output": str(tmp_path / "x.html"),
    } | overrides
    with pytest.raises(CommandError, match=message):
        call_command("render_report", **options)


def test_an_unknown_report_is_refused_by_the_parser(small_plan, tmp_path):
    with pytest.raises(CommandError, match="invalid choice"):
        call_command(
            "render_report",
            "--plan=x",
            "--period=2009-08",
            "--report=weekly",
            "--format=pdf",
            f"--output={tmp_path / 'x'}",
        )
