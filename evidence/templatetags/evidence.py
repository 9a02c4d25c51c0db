"""Evidence on pages whose views know nothing of it (the sign-off page, the action page).

{% load evidence %}
{% item_evidence item period %}                the month's, and earlier months'
{% item_evidence item period earlier=False %}  the month's alone
{{ evidence.size|file_size }}                  "48 KB"
{{ evidence.url|link_host }}                   "www.leeds.gov.uk"
"""

from urllib.parse import urlsplit

from django import template

from actionplans.models import Action, Milestone, ReportingPeriod
from lib.uploads import size_text

from ..selectors import action_evidence

register = template.Library()


@register.inclusion_tag("evidence/_evidence_list.html", takes_context=True)
def item_evidence(
    context,
    item: Action | Milestone | None,
    period: ReportingPeriod | None,
    earlier: bool = True,
) -> dict:
    """An action's or milestone's evidence in a month (evidence/_evidence_list.html).

    An action's evidence, its milestones' included, is read once per template render
    (kept in the render context), so a page showing many items and months makes one
    query per action, not one per item.
    """
    if item is None or period is None:
        return {"proof": None}
    action_id = item.pk if isinstance(item, Action) else item.action_id
    read = context.render_context.setdefault("evidence_by_action", {})
    if action_id not in read:
        read[action_id] = action_evidence(action_id=action_id)
    return {
        "proof": read[action_id].proof(item, period, earlier=earlier),
        "show_title": True,
        "say_none": earlier,
    }


@register.filter
def file_size(size: int | None) -> str:
    return "" if size is None else size_text(size)


@register.filter
def link_host(url: str) -> str:
    """Where a link goes, shown beside it so that readers know before they follow it."""
    return urlsplit(url).hostname or ""
