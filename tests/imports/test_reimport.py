"""Importing the app's own export back changes nothing, and an import that does change an
update is seen by a lead's open form as someone else's change."""

import datetime

import pytest
from django.apps import apps

from actionplans.models import Action, Milestone, ProgressUpdate
from actionplans.services import ItemValues, UpdateConflict, update_save
from imports.exporting import plan_export_csv, plan_export_xlsx
from imports.services import ImportOptions, plan_import_confirm
from tests import factories

from .helpers import plan_in_use

pytestmark = pytest.mark.django_db

AUGUST = datetime.date(2009, 8, 1)


def _rows() -> dict[str, list[dict]]:
    """Every action, milestone and update as stored, and how many history rows each
    model with history has."""
    rows = {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in (Action, Milestone, ProgressUpdate)
    }
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            rows[model._meta.label] = [{"count": model.objects.count()}]
    return rows


@pytest.mark.parametrize(
    ("export", "filename"),
    [(plan_export_xlsx, "plan.xlsx"), (plan_export_csv, "plan.csv")],
)
def test_importing_the_apps_own_export_changes_nothing(export, filename):
    """No action, milestone or update changes, and no history row is written."""
    plan = plan_in_use()
    before = _rows()
    result = plan_import_confirm(
        data=export(plan=plan), filename=filename, options=ImportOptions(plan=plan)
    )
    assert result.ok, [str(p) for p in result.errors]
    assert result.changed_rows() == []
    assert not result.report.created.total(), result.report.created_rows
    assert _rows() == before


def _values(update: ProgressUpdate, **changes) -> ItemValues:
    values = {
        "status": update.status,
        "direction": update.direction,
        "progress": update.progress,
        "risk": update.risk,
        "actual_finish": update.actual_finish,
        "version": update.version,
    }
    return ItemValues(**(values | changes))


def test_an_import_that_changes_an_update_makes_an_open_form_stale():
    """A lead's form opened before the import cannot overwrite what it brought in."""
    plan = plan_in_use()
    action = plan.actions.get(number="2.1")
    seen = ProgressUpdate.objects.get(action=action, period__month=AUGUST)
    content = plan_export_csv(plan=plan).replace(b"Drafting.", b"Drafted.")
    result = plan_import_confirm(
        data=content, filename="plan.csv", options=ImportOptions(plan=plan)
    )
    assert result.ok, [str(p) for p in result.errors]
    imported = ProgressUpdate.objects.get(pk=seen.pk)
    assert imported.progress == "Drafted."
    assert imported.version == seen.version + 1
    with pytest.raises(UpdateConflict) as refused:
        update_save(
            action=action,
            period=seen.period,
            user=factories.make_user(),
            action_values=_values(seen, progress="My own words."),
            milestone_values={},
            submit=False,
        )
    assert [change.field for change in refused.value.changes] == ["progress narrative"]
    assert ProgressUpdate.objects.get(pk=seen.pk).progress == "Drafted."


def test_an_import_bumps_the_version_only_of_the_updates_it_changes():
    plan = plan_in_use()
    versions = dict(ProgressUpdate.objects.values_list("pk", "version"))
    changed = ProgressUpdate.objects.get(action__number="2.1", period__month=AUGUST).pk
    content = plan_export_csv(plan=plan).replace(b"Drafting.", b"Drafted.")
    result = plan_import_confirm(
        data=content, filename="plan.csv", options=ImportOptions(plan=plan)
    )
    assert result.ok, [str(p) for p in result.errors]
    after = dict(ProgressUpdate.objects.values_list("pk", "version"))
    assert after == versions | {changed: versions[changed] + 1}
