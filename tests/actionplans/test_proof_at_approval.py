"""A status that needs proof is final only with it: proof taken away after the submission
(evidence removed) stops the approval, which names the item, and nothing is approved."""

import datetime

import pytest

from actionplans import services
from actionplans.models import Evidence, ProgressUpdate

pytestmark = pytest.mark.django_db


def test_blue_whose_evidence_was_removed_after_submission_is_not_approved(cycle):
    b = cycle.milestone_b
    services.update_save(
        action=cycle.action,
        period=cycle.september,
        user=cycle.milestone_lead,
        action_values=None,
        milestone_values={
            b.pk: services.ItemValues(
                cycle.status("Blue"), "", "Done.", "", datetime.date(2009, 9, 15), 0
            )
        },
        submit=False,
    )
    update = ProgressUpdate.objects.get(milestone=b)
    evidence = Evidence.objects.create(
        update=update,
        title="Board minutes",
        refers_to=datetime.date(2009, 9, 14),
        url="https://example.org/minutes",
    )
    services.update_submit(
        action=cycle.action,
        period=cycle.september,
        user=cycle.milestone_lead,
        seen={(None, b.pk): update.version},
    )
    evidence.delete()

    with pytest.raises(services.WorkflowError, match="cannot be approved") as refused:
        services.update_approve(
            action=cycle.action, period=cycle.september, user=cycle.chief, seen=None
        )
    assert "1.8 (b): Blue means the success criteria are met" in str(refused.value)
    update.refresh_from_db()
    assert update.workflow_state == ProgressUpdate.Workflow.SUBMITTED
