"""The Leeds demo through October 2009: every reminder the daily run sends, once."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from actionplans import services
from actionplans.demo import demo_plans_load, demo_users_load
from actionplans.models import Action, ActionPlan, Officer
from reminders.models import SentReminder

pytestmark = pytest.mark.django_db

D = datetime.date
PLAN = "Independence, Wellbeing and Choice Inspection Action Plan"


@pytest.fixture
def leeds_demo():
    """The demo as `manage.py load_demo` loads it in demo mode, plus email addresses.

    The seed documents give nobody an address, so four people are given one here:
    Hilary Paxton (lead, user "lead") on her officer record; Tim O'Shea (lead, no user
    account) on his; the "chief" user (the Deputy Director (Strategic Commissioning)
    role, chief officer of 30 actions) and the "coordinator" user (Stuart
    Cameron-Strickland, who also leads 3 items) on their user accounts only. Phil
    Schofield has an address but his account is inactive. Everyone else has none.
    """
    demo_plans_load()
    demo_users_load()
    users = get_user_model().objects
    users.filter(username="chief").update(email="chief@leeds.example")
    users.filter(username="coordinator").update(email="coordinator@leeds.example")
    Officer.objects.filter(name="Hilary Paxton").update(email="hilary@leeds.example")
    Officer.objects.filter(name="Tim O'Shea").update(email="tim@leeds.example")
    phil = Officer.objects.get(name="Phil Schofield")
    phil.email = "phil@leeds.example"
    phil.user = users.create_user("phil", is_active=False)
    phil.save()
    return ActionPlan.objects.get(slug="leeds-iwc")


def _hilary_submits_3_4(plan: ActionPlan) -> None:
    """Hilary sends action 3.4 (chief officer: the Deputy Director (Strategic
    Commissioning)) for sign-off, through the update form's own service."""
    action = Action.objects.get(plan=plan, number="3.4")
    lead = get_user_model().objects.get(username="lead")
    services.update_save(
        action=action,
        period=plan.open_period(),
        user=lead,
        action_values=services.ItemValues(
            status=plan.statuses.get(label="Amber"),
            direction="improving",
            progress="Charter drafted with partners.",
            risk="",
            actual_finish=None,
            version=0,
        ),
        milestone_values={},
        submit=True,
    )


# September 2009 is Leeds's open month; its deadline is the 5th working day after it
# (the plan's default): Thu 1, Fri 2, Mon 5, Tue 6, Wed 7 October. So returns open on
# Thu 1, the leads' reminder is on Mon 5 (deadline - 2 working days), the deadline on
# Wed 7, chief officers are escalated to on Thu 8 and coordinators on Fri 9. Dudley's
# open month is October 2009: its returns open on Mon 2 November, so it sends nothing.
#
# - Leads with something outstanding and an address: Hilary (6 items), Tim (7) and
#   the coordinator (as Stuart, lead of 3). Each gets the opening, reminder and
#   deadline digests. Phil (inactive) and the leads with no address get nothing.
# - The chief officer has nothing awaiting sign-off on Mon 5 (no September update is
#   submitted), so the reminder step sends him nothing then. Hilary submits 3.4 on
#   Tue 6 before the run: that run finds his reminder step (the latest due, not yet
#   sent) with one update awaiting him, and sends it. Wed 7: the deadline digest, one
#   update still awaiting. Thu 8 (escalation 1): 14 of his 15 accountable actions
#   have no return (3.4 is submitted) and 1 awaits him.
# - Fri 9 (escalation 2): the coordinator's digest: 33 of the 34 actions that report
#   this month have no return, 1 awaits sign-off.
# - Nothing after: each step goes once, and none is left.
EXPECTED = [
    (D(2009, 10, 1), "coordinator@leeds.example", f"{PLAN}: your September 2009 updates are due by Wednesday 7 October"),
    (D(2009, 10, 1), "hilary@leeds.example", f"{PLAN}: your September 2009 updates are due by Wednesday 7 October"),
    (D(2009, 10, 1), "tim@leeds.example", f"{PLAN}: your September 2009 updates are due by Wednesday 7 October"),
    (D(2009, 10, 5), "coordinator@leeds.example", f"{PLAN}: reminder: your September 2009 updates are due by Wednesday 7 October"),
    (D(2009, 10, 5), "hilary@leeds.example", f"{PLAN}: reminder: your September 2009 updates are due by Wednesday 7 October"),
    (D(2009, 10, 5), "tim@leeds.example", f"{PLAN}: reminder: your September 2009 updates are due by Wednesday 7 October"),
    (D(2009, 10, 6), "chief@leeds.example", f"{PLAN}: 1 September 2009 update awaits your sign-off"),
    (D(2009, 10, 7), "chief@leeds.example", f"{PLAN}: 1 September 2009 update awaits your sign-off"),
    (D(2009, 10, 7), "coordinator@leeds.example", f"{PLAN}: your September 2009 updates are due today, Wednesday 7 October"),
    (D(2009, 10, 7), "hilary@leeds.example", f"{PLAN}: your September 2009 updates are due today, Wednesday 7 October"),
    (D(2009, 10, 7), "tim@leeds.example", f"{PLAN}: your September 2009 updates are due today, Wednesday 7 October"),
    (D(2009, 10, 8), "chief@leeds.example", f"{PLAN}: 14 September 2009 returns from your leads are overdue, and 1 awaiting your sign-off"),
    (D(2009, 10, 9), "coordinator@leeds.example", f"{PLAN}: September 2009 returns overdue – 33 missing and 1 awaiting sign-off"),
]  # fmt: skip


def test_each_day_of_october_2009_sends_the_expected_digests_once(
    leeds_demo, run, mailoutbox
):
    sent = []
    for day in range(1, 32):
        on = D(2009, 10, day)
        if on == D(2009, 10, 6):
            _hilary_submits_3_4(leeds_demo)
        sent += [(on, to, subject) for to, subject in sorted(run(on))]

    assert sent == EXPECTED
    # Hilary's deadline digest no longer lists 3.4, which she has submitted.
    deadline = [m for m in mailoutbox if m.to == ["hilary@leeds.example"]][-1]
    assert "- 3.4 " not in deadline.body and "- 2.4 " in deadline.body
    assert SentReminder.objects.filter(sent_at__isnull=True).count() == 0

    # The whole month again, as a second machine would: nothing is sent twice.
    for day in range(1, 32):
        assert run(D(2009, 10, day)) == []
