"""Writes to plans: status schemes, the monthly update cycle. Each runs in a transaction."""

from .models import ActionPlan, StatusOption

# The Leeds guidance on RAG reporting (seed 001), the default scheme of every new plan.
DEFAULT_STATUS_SCHEME = [
    {
        "label": "Blue",
        "colour": "blue",
        "meaning": "Action completed and success criteria met",
        "counts_as_complete": True,
    },
    {
        "label": "Green",
        "colour": "green",
        "meaning": "Action completed",
        "counts_as_complete": True,
    },
    {
        "label": "Amber",
        "colour": "amber",
        "meaning": "Action on track but not completed",
    },
    {
        "label": "Red",
        "colour": "red",
        "meaning": "Not on track for completion and/or significant risk to completion time",
        "is_exception": True,
    },
    {
        "label": "Grey",
        "colour": "grey",
        "meaning": "Not due to commence",
        "is_not_started": True,
    },
]

# When an action has milestones, its own status is the most pressing of theirs.
_STATUS_PRECEDENCE = ["Red", "Amber", "Grey", "Green", "Blue"]


def status_scheme_install_default(*, plan: ActionPlan) -> None:
    """Give a plan the Leeds five-status scheme unless it already has a scheme."""
    if plan.statuses.exists():
        return
    for order, status in enumerate(DEFAULT_STATUS_SCHEME):
        StatusOption.objects.create(plan=plan, order=order, **status)


def action_status_from_milestones(
    statuses: list[StatusOption | None],
) -> StatusOption | None:
    """The status an action shows when its milestones carry their own statuses."""
    known = [status for status in statuses if status is not None]
    if not known:
        return None
    rank = {label: index for index, label in enumerate(_STATUS_PRECEDENCE)}
    return min(known, key=lambda status: rank.get(status.label, -1))
