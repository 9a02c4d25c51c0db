"""Existing data moves to one organisation per council, and officers to their councils."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("recommendations", "0002_inspection_organisation_name"),
    ("actionplans", "0004_date_texts_verbose_names"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    """Every app's latest migration: going back to BEFORE also unapplied the apps built
    on actionplans (reporting, imports, reminders), which later tests need."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_councils_and_officers_migrate_to_organisations():
    """An officer the old import linked to two councils' plans is split in two."""
    old = _migrate([("recommendations", "0001_initial"), *BEFORE[1:]])
    Inspection = old.get_model("recommendations", "Inspection")
    ActionPlan = old.get_model("actionplans", "ActionPlan")
    Action = old.get_model("actionplans", "Action")
    Officer = old.get_model("actionplans", "Officer")
    plans = {}
    for council in ("Leeds City Council", "Dudley MBC"):
        inspection = Inspection.objects.create(
            inspectorate="CQC", title=f"{council} inspection", organisation=council
        )
        plans[council] = ActionPlan.objects.create(
            inspection=inspection,
            slug=council[:5].lower(),
            title=council,
            owner=council,
        )
    director = Officer.objects.create(role_title="Director of Adult Social Services")
    lone = Officer.objects.create(name="Nobody Yet", role_title="Manager")
    for plan in plans.values():
        action = Action.objects.create(plan=plan, number="1.1", text="Act.")
        action.chief_officers.add(director)

    new = _migrate(_latest())
    Organisation = new.get_model("organisations", "Organisation")
    Officer = new.get_model("actionplans", "Officer")
    Action = new.get_model("actionplans", "Action")
    assert sorted(Organisation.objects.values_list("name", flat=True)) == [
        "Dudley MBC",
        "Leeds City Council",
    ]
    for action in Action.objects.select_related("plan__inspection__organisation"):
        (chief,) = action.chief_officers.all()
        assert chief.role_title == "Director of Adult Social Services"
        assert chief.organisation_id == action.plan.inspection.organisation_id
    assert (
        Officer.objects.filter(role_title="Director of Adult Social Services").count()
        == 2
    )
    assert Officer.objects.get(pk=lone.pk).organisation_id is not None
