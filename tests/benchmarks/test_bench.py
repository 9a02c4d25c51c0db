"""The bench command end to end on a tiny plan, and query counts that do not grow."""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings

from benchmarks import bench
from benchmarks.generator import Sizes, large_plan_generate

pytestmark = pytest.mark.django_db

TINY = "actions=6,milestones=12,recommendations=2,officers=8,months=3"
REQUIRED = {"median_s", "max_s", "queries"}


def test_bench_writes_json_with_every_operation(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    output = tmp_path / "bench.json"
    call_command(
        "bench",
        "--runs=1",
        "--no-load",
        f"--sizes={TINY}",
        "--slug=bench-test",
        "--import-rows=30",
        f"--json={output}",
    )
    results = json.loads(output.read_text())
    names = {op.name for op in bench.operations(lambda: b"")}
    assert names <= set(results)
    for name in names:
        assert set(results[name]) >= REQUIRED, name
    for name in (
        "my_actions",
        "action_page",
        "plan_page",
        "update_save",
        "signoff_approve",
        "public_plan_html",
        "public_month_html",
    ):
        assert results[name]["available"], results[name]
        assert results[name]["median_s"] > 0
        if name.startswith("public_"):
            # Served lately, it is served again as it was, with no query at all.
            assert results[name]["queries"] == 0
        else:
            assert results[name]["queries"] > 0
    assert results["_meta"]["runs"] == 1


def test_public_pages_are_measured_without_a_sign_in(tmp_path):
    """The public plan and month pages answer 200 to a client with no session; each is
    served again as it was lately (no query, `publishing.views`), and neither count
    grows with the plan."""
    output = tmp_path / "bench.json"
    call_command(
        "bench",
        "--runs=2",
        "--no-load",
        f"--sizes={TINY}",
        "--slug=bench-public",
        "--only",
        "public_plan_html",
        "public_month_html",
        f"--json={output}",
    )
    results = json.loads(output.read_text())
    for name in ("public_plan_html", "public_month_html"):
        assert results[name]["available"], results[name]
        assert results[name]["runs"] == 2
        assert results[name]["queries"] == results[name]["queries_small_plan"]
    assert results["public_month_html"]["queries"] == 0
    assert results["public_plan_html"]["queries"] == 0


def test_public_load_test_is_reported_apart(tmp_path, capsys):
    """On SQLite both load tests say why they did not run, each under its own key."""
    if connection.vendor != "sqlite":
        # gunicorn would serve DATABASE_URL's database, not the test database.
        pytest.skip("the load tests run against a real database, not the tests'")
    output = tmp_path / "bench.json"
    call_command(
        "bench",
        "--runs=1",
        f"--sizes={TINY}",
        "--slug=bench-public-load",
        "--only",
        "load",
        "--public-users=2",
        "--duration=1",
        f"--json={output}",
    )
    results = json.loads(output.read_text())
    assert set(results) == {"load", "load_public", "_meta"}
    assert "PostgreSQL" in results["load_public"]["note"]
    assert "Public load test: not available" in capsys.readouterr().out


def test_only_runs_the_named_operations(tmp_path, capsys):
    output = tmp_path / "bench.json"
    call_command(
        "bench",
        "--runs=1",
        "--no-load",
        f"--sizes={TINY}",
        "--slug=bench-only",
        "--only",
        "my_actions",
        "plan_page",
        f"--json={output}",
    )
    results = json.loads(output.read_text())
    assert set(results) == {"my_actions", "plan_page", "_meta"}
    assert "my_actions" in capsys.readouterr().out


def _queries(slug: str, sizes: Sizes, prefix: str) -> dict[str, int]:
    generated = large_plan_generate(slug=slug, sizes=sizes, user_prefix=prefix)
    target = bench.Target(slug=slug, usernames=generated.usernames)
    operations = {op.name: op for op in bench.operations(lambda: b"")}
    return {
        name: bench.query_count(operations[name], target)
        for name in ("my_actions", "action_page", "plan_page", "update_form")
    }


def _small_and_large() -> tuple[dict[str, int], dict[str, int]]:
    small = _queries(
        "q-small",
        Sizes(recommendations=2, actions=8, milestones=24, officers=8, months=2),
        "qs",
    )
    large = _queries(
        "q-large",
        Sizes(recommendations=8, actions=40, milestones=120, officers=16, months=6),
        "ql",
    )
    assert None not in small.values(), small
    return small, large


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_page_query_counts_do_not_grow_with_the_plan():
    """My actions, the plan page and the update form: the same number of queries for a
    plan of 8 actions over 2 months and one of 40 actions over 6 months."""
    small, large = _small_and_large()
    for name in ("my_actions", "plan_page", "update_form"):
        assert small[name] == large[name], name


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_action_page_query_count_does_not_grow_with_the_plan():
    small, large = _small_and_large()
    assert small["action_page"] == large["action_page"]
