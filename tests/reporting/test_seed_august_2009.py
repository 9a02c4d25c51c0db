"""The Leeds August 2009 summary computed from the fixture, against seed 001's lists.

Seed 001 was compiled by hand. Every place our lists differ from it is recorded below with
its reason; where the seed disagrees with its own progress table, the rule (DOMAIN.md) and
the table win.
"""

import datetime

import pytest
from django.core.management import call_command

from actionplans.models import ActionPlan
from reporting.selectors import Kind, period_report_build

pytestmark = pytest.mark.django_db

# The lists as seed 001's "Summary Report August 2009" prints them.
SEED = {
    "completed": ["2.3", "4.1", "4.2 (a)", "24.1 (a)", "24.4"],
    "overdue": [],
    "due_next": ["4.2 (b)", "4.2 (c)", "4.3 (a)", "5.1", "7.1 (b)", "9.7", "20.3"],
    "commencing_next": ["5.2", "18.2"],
}

# (list, number in the seed or None, our number or None, why)
DIFFERENCES = [
    (
        "completed",
        "2.3",
        "2.3 (c)",
        "Same item. 2.3 has three dated rows; the third finished Aug-09 (the first two "
        "Apr-09). The seed quotes the action, the rule lists the milestone.",
    ),
    *(
        (
            "overdue",
            None,
            number,
            "The seed lists no overdue actions, but its own table gives this row a plan "
            "finish before 31 August 2009 and no actual finish: the table wins.",
        )
        for number in [
            "7.2 (a)",
            "7.2 (b)",
            "9.4",
            "9.8",
            "11.1 (b)",
            "13.1",
            "18.1",
            "20.2 (a)",
            "20.5 (a)",
            "23.1",
            "24.1 (b)",
            "24.2 (a)",
            "24.3",
        ]
    ),
    (
        "due_next",
        "7.1 (b)",
        None,
        "The seed's table gives 7.1 (b) an actual finish Sep-08 and COMPLETED (Blue): "
        "complete, so not due.",
    ),
    (
        "due_next",
        None,
        "4.3 (b)",
        "Plan finish Sep-09, no actual finish, Amber: due; the seed omits it (its "
        "neighbour 4.3 (a), same dates, is listed).",
    ),
    (
        "commencing_next",
        "5.2",
        None,
        "5.2 is not in the seed's progress table (no dates, lead or text beyond the "
        "summary line), so the plan has no such action.",
    ),
    (
        "commencing_next",
        "18.2",
        None,
        "18.2 is not in the seed's progress table either; the table goes 18.1, 18.3.",
    ),
]


@pytest.fixture
def leeds_august():
    call_command("load_demo", verbosity=0)
    plan = ActionPlan.objects.get(slug="leeds-iwc")
    return period_report_build(
        plan=plan, kind=Kind.SUMMARY, month=datetime.date(2009, 8, 1)
    )


def test_computed_lists_equal_the_seed_except_for_the_recorded_differences(
    leeds_august,
):
    for name, seed_numbers in SEED.items():
        expected = set(seed_numbers)
        for list_name, seed_number, our_number, _why in DIFFERENCES:
            if list_name != name:
                continue
            expected.discard(seed_number)
            if our_number:
                expected.add(our_number)
        ours = {item.number for item in getattr(leeds_august.lists, name)}
        assert ours == expected, name


def test_listed_items_carry_the_seeds_text(leeds_august):
    completed = {item.number: item.text for item in leeds_august.lists.completed}
    assert completed["4.2 (a)"].startswith("Agree mandatory multi-agency training")
    assert completed["24.4"].startswith("A web site will be created")
    due = {item.number: item.text for item in leeds_august.lists.due_next}
    assert due["4.2 (b)"].startswith("Identify staff who require specific")
    assert due["4.3 (a)"].startswith("Monitor training via the Training")


def test_the_months_narratives_come_through(leeds_august):
    assert leeds_august.period.overview.startswith("All actions are progressing well")
    assert "Swine Flu" in leeds_august.period.risks
    assert leeds_august.period.amendments == "No amendments are requested"
    assert not leeds_august.is_draft
