"""The benchmark's Leeds-layout spreadsheet: as many rows as asked, and importable."""

import datetime

import pytest
from django.core.management import call_command

from benchmarks.spreadsheet import LEEDS_HEADER, spreadsheet_rows, spreadsheet_xlsx


def test_rows_never_exceed_the_count_and_repeat_the_header():
    rows = spreadsheet_rows(rows=200)
    assert 150 < len(rows) <= 200
    assert sum(1 for row in rows if row == LEEDS_HEADER) > 1
    assert any(row and str(row[0]).startswith("Recommendation ") for row in rows)
    # Continuation rows: a milestone row with an empty number under its action.
    assert any(len(row) == 13 and row[0] == "" and row[2] for row in rows)


def test_same_seed_same_rows():
    assert spreadsheet_rows(rows=100) == spreadsheet_rows(rows=100)


@pytest.mark.django_db
def test_the_file_imports_without_errors():
    imports = pytest.importorskip("imports.services")
    options = imports.ImportOptions(
        new_plan=imports.NewPlan(
            title="Bench import", owner="Benchmark", inspectorate="CSCI"
        ),
        this_month=datetime.date(2009, 8, 1),
    )
    result = imports.plan_import_preview(
        data=spreadsheet_xlsx(rows=80), filename="bench.xlsx", options=options
    )
    assert result.ok, [str(p) for p in result.errors]
    assert result.report.created["action"] > 10


def test_command_writes_the_file(tmp_path):
    output = tmp_path / "bench.xlsx"
    call_command("make_bench_spreadsheet", "--rows=60", f"--output={output}")
    assert output.read_bytes()[:2] == b"PK"
