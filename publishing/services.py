"""Writes of the publishing app: publishing a plan, and what its public pages show.

Every change is saved row by row with `save()`, never with `QuerySet.update()`: each then
leaves a history row, which is what changes `report_rows_stamp` and so the key of every
cached public page and PDF (`selectors.public_month_key`).
"""

from collections.abc import Iterable

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from actionplans.models import Action, ActionPlan, Milestone
from actionplans.permissions import user_is_coordinator
from lib import months

from .selectors import public_recent_key


def recent_public_pages_forget(plan: ActionPlan) -> None:
    """Once this transaction commits, stop serving the plan's public pages as they were
    last served: the next reader gets them as they are now."""
    keys = [public_recent_key(slug=plan.slug)] + [
        public_recent_key(slug=plan.slug, month_key=months.month_key(month))
        for month in plan.periods.values_list("month", flat=True)
    ]
    transaction.on_commit(lambda: cache.delete_many(keys))


def _check_coordinator(plan: ActionPlan, user) -> None:
    if not user_is_coordinator(user, plan):
        raise PermissionDenied("Only the plan's coordinators can publish it.")


@transaction.atomic
def plan_publish(*, plan: ActionPlan, user) -> ActionPlan:
    """Put the plan's closed months on its public pages, as its settings allow."""
    _check_coordinator(plan, user)
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_published:
        raise ValidationError(
            "The plan is already published.", code="already_published"
        )
    plan.published_at = timezone.now()
    plan.published_by = user
    plan.save(update_fields=["published_at", "published_by", "updated_at"])
    return plan


@transaction.atomic
def plan_unpublish(*, plan: ActionPlan, user) -> ActionPlan:
    """Take the plan's public pages down (they answer 404 from now on)."""
    _check_coordinator(plan, user)
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_published:
        raise ValidationError("The plan is not published.", code="not_published")
    plan.published_at = None
    plan.published_by = None
    plan.save(update_fields=["published_at", "published_by", "updated_at"])
    recent_public_pages_forget(plan)
    return plan


def _flags_set(rows: Iterable[Action | Milestone], exempt_ids: set[int]) -> int:
    """Save each row whose "not for publication" flag changes; how many did."""
    changed = 0
    for row in rows:
        exempt = row.pk in exempt_ids
        if row.not_for_publication != exempt:
            row.not_for_publication = exempt
            row.save(update_fields=["not_for_publication"])
            changed += 1
    return changed


@transaction.atomic
def publication_settings_save(
    *,
    plan: ActionPlan,
    user,
    shows_risks: bool,
    shows_officers: bool,
    shows_evidence: bool,
    exempt_action_ids: Iterable[int],
    exempt_milestone_ids: Iterable[int],
) -> ActionPlan:
    """Save what the public pages show: the three internal fields, and which actions
    and milestones are not for publication (every other one of the plan is). All or
    nothing: an id that is not the plan's refuses the whole save."""
    _check_coordinator(plan, user)
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    exempt_actions, exempt_milestones = (
        set(exempt_action_ids),
        set(exempt_milestone_ids),
    )
    actions = list(Action.objects.filter(plan=plan).select_for_update())
    milestones = list(Milestone.objects.filter(action__plan=plan).select_for_update())
    unknown = (exempt_actions - {a.pk for a in actions}) | (
        exempt_milestones - {m.pk for m in milestones}
    )
    if unknown:
        raise ValidationError(
            "Some of the items chosen are not in this plan: reload the page and "
            "choose again.",
            code="unknown_item",
        )
    _flags_set(actions, exempt_actions)
    _flags_set(milestones, exempt_milestones)
    shown = {
        "public_shows_risks": shows_risks,
        "public_shows_officers": shows_officers,
        "public_shows_evidence": shows_evidence,
    }
    if any(getattr(plan, name) != value for name, value in shown.items()):
        for name, value in shown.items():
            setattr(plan, name, value)
        plan.save(update_fields=[*shown, "updated_at"])
    recent_public_pages_forget(plan)
    return plan
