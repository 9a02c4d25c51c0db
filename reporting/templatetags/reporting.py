"""Template helpers for reports."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_BULLETS = ("- ", "• ")


def _paragraph_html(lines: list[str]) -> list[str]:
    """One paragraph's lines: plain lines as <p> with <br>, bullet lines as a <ul>."""
    html: list[str] = []
    run: list[str] = []
    run_is_list = False
    for line in [*lines, None]:
        is_list = line is not None and line.startswith(_BULLETS)
        if run and (line is None or is_list != run_is_list):
            if run_is_list:
                items = "".join(f"<li>{escape(x[2:].strip())}</li>" for x in run)
                html.append(f"<ul>{items}</ul>")
            else:
                html.append("<p>" + "<br>".join(escape(x) for x in run) + "</p>")
            run = []
        if line is not None:
            run.append(line)
            run_is_list = is_list
    return html


@register.filter
def narrative(text: str) -> SafeString:
    """Plain text as paragraphs, with runs of "- " lines as bulleted lists.

    Coordinators write the overview and risks as plain text; the seed's bullets ("- Partners
    such as NHS …") become real lists, which read better and are announced as lists.
    """
    blocks: list[str] = []
    for paragraph in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        blocks.extend(_paragraph_html(lines))
    # Every piece of user text was escaped above; only our own tags are added.
    return mark_safe("".join(blocks))  # noqa: S308  # nosec B308 B703


@register.filter
def count_for(month, label: str) -> int:
    """A month's count of one status label (0 when none)."""
    return month.count_for(label)
