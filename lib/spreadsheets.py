"""The one guard against formula injection, for every xlsx and csv the app writes.

A cell whose text starts with one of FORMULA_STARTS could be run as a formula by a
spreadsheet program ("=HYPERLINK(…)", "+1", "@SUM", or a tab or line break in front of
one). Such text is still written as the user wrote it, but as text: an xlsx cell becomes
a string cell with Excel's quote prefix; a csv value gets a leading apostrophe, which
`text_unguard` removes again when the app reads its own export back.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def text_guard(value: object) -> object:
    """The value for a csv cell (or an import-export field): formula-like text as text."""
    if is_formula_like(value):
        return "'" + value
    return value


def text_unguard(value: str) -> str:
    """The text as written before `text_guard` (for reading an export back)."""
    if len(value) > 1 and value[0] == "'" and is_formula_like(value[1:]):
        return value[1:]
    return value


def xlsx_cell_set(cell, value: object) -> None:
    """Set an openpyxl cell so that text is only ever text.

    Formula-like text is stored as a string cell with Excel's quote prefix: the visible
    text stays as written (bullets such as "- Performance …" stay readable) and it is not
    evaluated, also after a user edits the cell.
    """
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True


class FormulaSafeExport:
    """A django-import-export resource mixin: every exported value passes `text_guard`."""

    def export_field(self, field, instance, **kwargs):
        return text_guard(super().export_field(field, instance, **kwargs))
