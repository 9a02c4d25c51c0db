"""The benchmark's plan generator: deterministic, idempotent, and the shape it promises."""

import pytest
from django.core.management import call_command

from actionplans.models import Action, Milestone, ProgressUpdate, ReportingPeriod
from benchmarks.generator import Sizes, large_plan_generate

SMALL = Sizes(recommendations=3, actions=10, milestones=30, officers=10, months=4)

pytestmark = pytest.mark.django_db


def _snapshot(slug: str) -> list[tuple]:
    """The plan's content without database ids."""
    updates = ProgressUpdate.objects.filter(period__plan__slug=slug)
    return sorted(
        (
            str(u.period.month),
            u.action.number if u.action_id else u.milestone.number,
            u.status.label if u.status else "",
            u.direction,
            u.progress,
            u.risk,
            str(u.actual_finish),
            u.workflow_state,
        )
        for u in updates.select_related(
            "period", "action", "milestone__action", "status"
        )
    ) + sorted(
        (a.number, a.text, str(a.plan_start), str(a.plan_finish), str(a.actual_finish))
        for a in Action.objects.filter(plan__slug=slug)
    )


def test_generated_plan_has_the_requested_sizes():
    generated = large_plan_generate(slug="gen-sizes", sizes=SMALL)
    counts = generated.counts
    assert counts["actions"] == 10
    assert counts["milestones"] == 30
    assert counts["recommendations"] == 3
    # Four closed months with an update for every item, and one open month.
    assert ReportingPeriod.objects.filter(plan__slug="gen-sizes").count() == 5
    closed = ProgressUpdate.objects.filter(
        period__plan__slug="gen-sizes", period__state="closed"
    )
    assert closed.count() == 4 * (10 + 30)
    assert counts["update history"] == counts["updates"]


def test_same_seed_gives_the_same_plan():
    large_plan_generate(slug="gen-a", sizes=SMALL, user_prefix="a")
    large_plan_generate(slug="gen-b", sizes=SMALL, user_prefix="b")
    assert _snapshot("gen-a") == _snapshot("gen-b")


def test_another_seed_gives_another_plan():
    large_plan_generate(slug="gen-a", sizes=SMALL, user_prefix="a")
    large_plan_generate(slug="gen-b", seed=7, sizes=SMALL, user_prefix="b")
    assert _snapshot("gen-a") != _snapshot("gen-b")


def test_running_again_changes_nothing_and_resets_the_open_month():
    """The second run keeps every row (same ids) and puts the open month back."""
    first = large_plan_generate(slug="gen-idem", sizes=SMALL)
    before = _snapshot("gen-idem")
    ids = set(Milestone.objects.filter(action__plan=first.plan).values_list("pk"))
    # What a load test does to the open month.
    ProgressUpdate.objects.filter(period__plan=first.plan, period__state="open").update(
        progress="changed by a benchmark", workflow_state="approved"
    )

    second = large_plan_generate(slug="gen-idem", sizes=SMALL)

    assert not second.rebuilt
    assert _snapshot("gen-idem") == before
    assert (
        set(Milestone.objects.filter(action__plan=second.plan).values_list("pk")) == ids
    )
    assert second.counts == first.counts


def test_the_plan_is_published_by_its_coordinator_once():
    """Its public pages are benchmarked; running again keeps the first publication."""
    first = large_plan_generate(slug="gen-public", sizes=SMALL)
    assert first.plan.published_at is not None
    assert first.plan.published_by.username == first.usernames["coordinator"]

    second = large_plan_generate(slug="gen-public", sizes=SMALL)

    second.plan.refresh_from_db()
    assert second.plan.published_at == first.plan.published_at


def test_other_sizes_rebuild_the_plan():
    large_plan_generate(slug="gen-resize", sizes=SMALL)
    bigger = Sizes(recommendations=4, actions=20, milestones=50, officers=12, months=5)
    result = large_plan_generate(slug="gen-resize", sizes=bigger)
    assert result.rebuilt
    assert result.counts["actions"] == 20
    assert result.counts["milestones"] == 50


def test_command_prints_the_users_and_password(capsys):
    call_command(
        "generate_large_plan",
        "--slug=gen-cmd",
        "--actions=5",
        "--milestones=10",
        "--recommendations=2",
        "--officers=8",
        "--months=2",
    )
    out = capsys.readouterr().out
    assert "Built plan gen-cmd" in out
    assert "bench-lead" in out
    assert "bench-password-2009" in out
