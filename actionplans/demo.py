"""The demo data: the real Leeds and Dudley plans from fixtures/, and one user per role."""

import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from .loading import plan_load_document
from .models import ActionPlan, Officer, PlanMembership

FIXTURES_DIR = settings.BASE_DIR / "fixtures"
DEMO_PLANS = ["leeds-iwc", "dudley-cqc"]
DEMO_PASSWORD = "actionplans-demo"  # noqa: S105 (demo mode only, printed on purpose)


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    officer_name: str = ""
    officer_role: str = ""


# Each demo user stands for a real officer of the Leeds plan where the role has one.
DEMO_USERS = [
    DemoUser("admin", "Ada Admin", "Admin"),
    DemoUser(
        "coordinator",
        "Stuart Cameron-Strickland",
        "Plan coordinator (performance team)",
        officer_name="Stuart Cameron-Strickland",
    ),
    DemoUser(
        "chief",
        "Deputy Director (Strategic Commissioning)",
        "Chief officer",
        officer_role="Deputy Director (Strategic Commissioning)",
    ),
    DemoUser("lead", "Hilary Paxton", "Lead officer", officer_name="Hilary Paxton"),
    DemoUser("viewer", "Val Viewer", "Board viewer"),
]


def demo_plans_load() -> list[ActionPlan]:
    plans = []
    for slug in DEMO_PLANS:
        folder = FIXTURES_DIR / slug
        plan_data = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
        actions_data = json.loads((folder / "actions.json").read_text(encoding="utf-8"))
        # Measures are optional: the plans whose documents state none have no file.
        measures_file = folder / "measures.json"
        measures_data = (
            json.loads(measures_file.read_text(encoding="utf-8"))
            if measures_file.exists()
            else None
        )
        plans.append(
            plan_load_document(
                plan_data=plan_data,
                actions_data=actions_data,
                measures_data=measures_data,
            )
        )
    return plans


def _demo_officer(demo: DemoUser, *, plan: ActionPlan) -> Officer | None:
    officers = Officer.objects.in_organisation(plan.organisation_id)
    if demo.officer_name:
        return officers.filter(name=demo.officer_name).first()
    if demo.officer_role:
        return officers.filter(name="", role_title=demo.officer_role).first()
    return None


@transaction.atomic
def demo_users_load() -> list[DemoUser]:
    """Create (or reset) one user per role on the Leeds plan. Only ever run in demo mode."""
    leeds = ActionPlan.objects.get(slug="leeds-iwc")
    user_model = get_user_model()
    for demo in DEMO_USERS:
        first, _, last = demo.full_name.partition(" ")
        user, _ = user_model.objects.get_or_create(username=demo.username)
        user.first_name, user.last_name = first, last
        # So that the demo's reminders have someone to go to (printed on the console).
        user.email = f"{demo.username}@leeds.example"
        user.is_staff = user.is_superuser = demo.username == "admin"
        user.set_password(DEMO_PASSWORD)
        user.save()
        officer = _demo_officer(demo, plan=leeds)
        if officer is not None and officer.user_id != user.pk:
            officer.user = user
            officer.save()
    memberships = {
        "coordinator": PlanMembership.Role.COORDINATOR,
        "viewer": PlanMembership.Role.VIEWER,
    }
    for username, role in memberships.items():
        PlanMembership.objects.get_or_create(
            plan=leeds, user=user_model.objects.get(username=username), role=role
        )
    return DEMO_USERS
