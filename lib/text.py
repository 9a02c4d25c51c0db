"""Checks on free text that people type: reasons, comments, narratives."""

import unicodedata

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
