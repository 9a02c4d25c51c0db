"""The scaling table: sizes as written on the command line, and the table at tiny sizes."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from actionplans.models import ActionPlan
from benchmarks import bench
from benchmarks.scaling import DEFAULT_SIZES, ScaleSize, _constant, sizes_parse

TINY = "actions=6,milestones=12,recommendations=2,officers=8,months=3"
SIZES = "a12m2,a24m4,a12m2p2"
PAGES = {op.name for op in bench.operations(lambda: b"") if op.page}


def test_sizes_are_read_from_their_labels():
    assert sizes_parse("a50m36, a200m120,a200m36p20,plans20") == [
        ScaleSize("a50m36", actions=50, months=36),
        ScaleSize("a200m120", actions=200, months=120),
        ScaleSize("a200m36p20", actions=200, months=36, plans=20),
        ScaleSize("plans20", actions=200, months=36, plans=20),
    ]


def test_default_sizes_are_the_issues():
    """50, 200 and 800 actions at 36 months; 12, 36 and 120 months at 200 actions; and
    an installation of 20 plans of 200 actions."""
    sizes = sizes_parse(DEFAULT_SIZES)
    assert [(s.actions, s.months, s.plans) for s in sizes] == [
        (50, 36, 1),
        (200, 36, 1),
        (800, 36, 1),
        (200, 12, 1),
        (200, 120, 1),
        (200, 36, 20),
    ]
    assert sizes[1].sizes.milestones == 600
    assert sizes[2].slug == "bench-scale-a800-m36"


@pytest.mark.parametrize("text", ["a50", "m36", "a0m36", "a50m36q2", "plans", ""])
def test_a_size_not_written_as_a_size_is_refused(text):
    with pytest.raises(ValueError):
        sizes_parse(text)


@pytest.mark.django_db
def test_the_command_refuses_a_wrong_size():
    with pytest.raises(CommandError, match="--scaling-sizes"):
        call_command("bench", "--no-load", "--scaling", "--scaling-sizes=big")


@pytest.mark.django_db
def test_scaling_table_at_tiny_sizes(tmp_path, settings, capsys):
    """Every page at every size, with the same query count; the import once per number
    of rows; the plans of the installation generated beside the measured one."""
    settings.MEDIA_ROOT = tmp_path / "media"
    output = tmp_path / "bench.json"
    call_command(
        "bench",
        "--runs=2",
        "--no-load",
        f"--sizes={TINY}",
        "--slug=bench-scaling-test",
        "--scaling",
        f"--scaling-sizes={SIZES}",
        "--only",
        "scaling",
        f"--json={output}",
    )
    results = json.loads(output.read_text())
    assert set(results) == {"scaling", "_meta"}
    scaling = results["scaling"]
    assert list(scaling["sizes"]) == ["a12m2", "a24m4", "a12m2p2"]
    assert scaling["sizes"]["a24m4"] == {
        "slug": "bench-scale-a24-m4",
        "plans": 1,
        "actions": 24,
        "milestones": 72,
        "months": 4,
        "import_rows": 24,
    }
    operations = scaling["operations"]
    assert set(operations) == PAGES | {"import_preview_confirm"}
    for name in PAGES:
        cells = operations[name]["sizes"]
        assert list(cells) == ["a12m2", "a24m4", "a12m2p2"], name
        for cell in cells.values():
            assert cell["available"], (name, cell)
            assert cell["median_s"] > 0
            # A public page served lately is served again with no query.
            assert cell["queries"] > 0 or name.startswith("public_"), (name, cell)
        assert operations[name]["queries_constant"] is True, (name, cells)
    imports = operations["import_preview_confirm"]["sizes"]
    assert list(imports) == ["a12m2", "a24m4"]  # 12 rows were measured already
    assert all(cell["available"] for cell in imports.values()), imports
    assert (
        ActionPlan.objects.filter(
            slug__in=["bench-scale-a12-m2", "bench-scale-a12-m2-other-01"],
            published_at__isnull=False,
        ).count()
        == 2
    )

    out = capsys.readouterr().out
    assert "queries constant" in out
    plan_page = next(line for line in out.splitlines() if line.startswith("plan_page"))
    assert plan_page.split()[-1] == "yes"
    assert len(plan_page.split()) == 5  # the name, three sizes, the check


def test_a_query_count_that_changes_is_not_constant():
    assert _constant([{"queries": 5}, {"queries": 5}]) is True
    assert _constant([{"queries": 5}, {"queries": 6}]) is False
    assert _constant([{"queries": 5}, {"queries": None}]) is False
    assert _constant([{"queries": 5}]) is None
