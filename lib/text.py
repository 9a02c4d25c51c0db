"""Checks on free text that people type: reasons, comments, narratives."""

import difflib
import re
import unicodedata
from dataclasses import dataclass

# Format characters (zero-width space, joiners, byte-order mark, direction marks) and
# control characters print as nothing, so text made only of them reads as blank.
_INVISIBLE_CATEGORIES = {"Cf", "Cc"}


def is_blank(text: str | None) -> bool:
    """True when the text shows nothing: empty, whitespace, or invisible characters only.

    A reason of one zero-width space (U+200B) passes `str.strip()`, yet a reader of the
    history sees no reason at all.
    """
    return all(
        char.isspace() or unicodedata.category(char) in _INVISIBLE_CATEGORIES
        for char in text or ""
    )


@dataclass(frozen=True)
class DiffPart:
    """A run of words in a word-level diff: kept, added or removed."""

    text: str
    kind: str  # "same", "added" or "removed"


def word_diff(old: str, new: str) -> list[DiffPart]:
    """What changed from `old` to `new`, word by word (whitespace kept with its word), so a
    reviewer sees the sentence that changed rather than two whole narratives."""
    before = re.findall(r"\S+\s*|\s+", old or "")
    after = re.findall(r"\S+\s*|\s+", new or "")
    matcher = difflib.SequenceMatcher(
        a=[w.strip() for w in before], b=[w.strip() for w in after], autojunk=False
    )
    parts: list[DiffPart] = []

    def add(words: list[str], kind: str) -> None:
        text = "".join(words)
        # A run taken from the other text may follow a word that ended its own text
        # with no space after it: keep the words apart.
        if parts and text and not parts[-1].text[-1:].isspace():
            text = " " + text
        parts.append(DiffPart(text, kind))

    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            add(after[b1:b2], "same")
            continue
        if a2 > a1:
            add(before[a1:a2], "removed")
        if b2 > b1:
            add(after[b1:b2], "added")
    return parts
