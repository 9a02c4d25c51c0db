"""A failure in the middle of a multi-row write leaves the database as it was."""

from unittest import mock

import pytest

from actionplans import services
from actionplans.models import ProgressUpdate, ReportingPeriod

pytestmark = pytest.mark.django_db


def test_a_failure_while_closing_a_month_leaves_it_open_and_unchanged(cycle):
    before = ProgressUpdate.objects.count()
    history_before = ProgressUpdate.history.count()
    # The month close writes the missing updates, then their history, then the period:
    # break the second step.
    with (
        mock.patch(
            "simple_history.manager.HistoryManager.bulk_history_create",
            side_effect=RuntimeError("disk full"),
        ),
        pytest.raises(RuntimeError),
    ):
        services.period_close(period=cycle.september, user=cycle.coordinator)
    assert ProgressUpdate.objects.count() == before
    assert ProgressUpdate.history.count() == history_before
    assert not ReportingPeriod.objects.get(pk=cycle.september.pk).is_closed


def test_a_failure_while_saving_an_action_and_its_milestones_saves_none_of_them(cycle):
    values = services.ItemValues(cycle.status("Amber"), "", "Text.", "", None, 0)
    real_save = ProgressUpdate.save

    def fail_on_milestone(self, *args, **kwargs):
        if self.milestone_id:
            raise RuntimeError("connection lost")
        return real_save(self, *args, **kwargs)

    with (
        mock.patch.object(ProgressUpdate, "save", fail_on_milestone),
        pytest.raises(RuntimeError),
    ):
        services.update_save(
            action=cycle.action,
            period=cycle.september,
            user=cycle.lead,
            action_values=values,
            milestone_values={cycle.milestone_a.pk: values},
            submit=True,
        )
    assert not ProgressUpdate.objects.filter(period=cycle.september).exists()
