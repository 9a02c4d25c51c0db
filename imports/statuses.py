"""Reading RAG status cells: "Green", "Orange with up arrow", "Grey hatched", "↑", a fill colour.

Pure functions: every cell gives a `StatusReading`, never an exception. The label returned is
a label of the Leeds default scheme (or the cell's own word when a plan uses other labels);
the caller checks it against the plan's scheme.
"""

import re
from dataclasses import dataclass

from actionplans.models import Direction

IMPROVING = Direction.IMPROVING
NO_CHANGE = Direction.NO_CHANGE
DETERIORATING = Direction.DETERIORATING

_COLOUR_WORDS = {
    "blue": "Blue",
    "green": "Green",
    "amber": "Amber",
    "orange": "Amber",
    "yellow": "Amber",
    "red": "Red",
    "grey": "Grey",
    "gray": "Grey",
}
_ARROWS = {
    "↑": IMPROVING,
    "⇧": IMPROVING,
    "▲": IMPROVING,
    "↔": NO_CHANGE,
    "⇔": NO_CHANGE,
    "↕": NO_CHANGE,
    "→": NO_CHANGE,
    "↓": DETERIORATING,
    "⇩": DETERIORATING,
    "▼": DETERIORATING,
}
_DIRECTION_WORDS = [
    (re.compile(r"\b(up|upward|improving|improved)\b"), IMPROVING),
    (
        re.compile(r"\b(double|sideways|level|no change|unchanged|same|steady)\b"),
        NO_CHANGE,
    ),
    (re.compile(r"\b(down|downward|deteriorating|worse|worsening)\b"), DETERIORATING),
]
# Fill colours of real spreadsheets, nearest first: Excel's standard palette and the
# GOV.UK colours the export writes.
_FILLS = {
    "Blue": [
        (0x1D, 0x70, 0xB8),
        (0x00, 0x70, 0xC0),
        (0x00, 0xB0, 0xF0),
        (0xD2, 0xE2, 0xF1),
    ],
    "Green": [
        (0x00, 0x70, 0x3C),
        (0x00, 0xB0, 0x50),
        (0x92, 0xD0, 0x50),
        (0xCC, 0xE2, 0xD8),
    ],
    "Amber": [
        (0xFF, 0xC0, 0x00),
        (0xF4, 0x77, 0x38),
        (0xFF, 0xFF, 0x00),
        (0xFC, 0xD6, 0xC3),
    ],
    "Red": [
        (0xFF, 0x00, 0x00),
        (0xC0, 0x00, 0x00),
        (0xD4, 0x35, 0x1C),
        (0xF6, 0xD7, 0xD2),
    ],
    "Grey": [
        (0x80, 0x80, 0x80),
        (0xA6, 0xA6, 0xA6),
        (0xBF, 0xBF, 0xBF),
        (0xEE, 0xEF, 0xEF),
    ],
}


@dataclass(frozen=True)
class StatusReading:
    label: str | None
    direction: str
    warning: str = ""


def status_parse(text: object, *, fill: str | None = None, labels=()) -> StatusReading:
    """Read a status cell; `labels` are the plan's own status labels, matched first."""
    try:
        return _parse(text, fill, tuple(labels))
    except Exception:  # noqa: BLE001 - a reading never fails: anything odd is a warning.
        return StatusReading(None, "", "could not be read as a status")


def _parse(text: object, fill: str | None, labels: tuple[str, ...]) -> StatusReading:
    raw = "" if text is None else " ".join(str(text).split())
    direction = ""
    for arrow, meaning in _ARROWS.items():
        if arrow in raw:
            direction = meaning
            raw = raw.replace(arrow, " ")
    words = raw.lower().strip(" .,;:-")
    label = None
    for own in labels:
        if re.search(rf"\b{re.escape(own.lower())}\b", words):
            label = own
            break
    if label is None:
        for word, colour in _COLOUR_WORDS.items():
            if re.search(rf"\b{word}\b", words):
                label = colour
                break
    if not direction and ("arrow" in words or label):
        for pattern, meaning in _DIRECTION_WORDS:
            if pattern.search(words):
                direction = meaning
                break
    elif not direction and not label:
        for pattern, meaning in _DIRECTION_WORDS:
            if re.fullmatch(pattern.pattern, words):
                direction = meaning
    if label is None and fill:
        label = _nearest_fill(fill)
    if label is None and not direction and words:
        if set(words) <= set("█■ "):
            return StatusReading(None, "", "a colour block with no colour word")
        return StatusReading(None, "", "not a status")
    return StatusReading(label, direction)


def _nearest_fill(fill: str) -> str | None:
    value = fill.strip().lstrip("#")[-6:]
    if not re.fullmatch(r"[0-9A-Fa-f]{6}", value) or value.upper() in {
        "FFFFFF",
        "000000",
    }:
        return None
    rgb = tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))
    best, distance = None, None
    for label, samples in _FILLS.items():
        for sample in samples:
            d = sum((a - b) ** 2 for a, b in zip(rgb, sample, strict=True))
            if distance is None or d < distance:
                best, distance = label, d
    return best
