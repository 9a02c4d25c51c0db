"""Sorting of numbers as people read them: 2.9 < 2.10 < 2.10 (a) < 11.1."""

import re

_PART = re.compile(r"\d+|[A-Za-z]+")
_WIDTH = 6


def number_sort_key(number: str) -> str:
    """Return a string that sorts in reading order when compared as text.

    Each run of digits is zero-padded so that "10" sorts after "9", letters are kept
    in lower case, and everything else (dots, brackets, spaces) only separates parts.
    The key is stored beside the number so that the database can order by it.
    """
    parts = []
    for part in _PART.findall(number or ""):
        if part.isdigit():
            parts.append(part[-_WIDTH:].rjust(_WIDTH, "0"))
        else:
            parts.append(part.lower())
    return ".".join(parts)
