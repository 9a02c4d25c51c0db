"""How long each kind of free text may be.

Generous for what councils write (the seeds' longest narrative is under 900 characters, the
longest introduction 3,600), and small enough that one text cannot make a page or a PDF
unusable: a 1 MB narrative once stopped a month's progress PDF. Model fields carry these as
`max_length`, so forms, the admin and imports all check the same numbers.
"""

from django.core.validators import MaxLengthValidator

COMMENT = 2_000  # a sign-off comment, a reason
SHORT_TEXT = 5_000  # an action, an aim, success criteria, a recommendation
NARRATIVE = 10_000  # a month's progress or risk narrative for one item
LONG_TEXT = (
    20_000  # a plan's introduction, a month's overview, an inspection's findings
)


def at_most(limit: int) -> dict:
    """A TextField's arguments for a limit: `max_length` (the forms' check and the text
    box's maxlength) and a validator (the model's check, which TextField leaves out, so
    that imports and anything else that calls full_clean() check it too)."""
    return {"max_length": limit, "validators": [MaxLengthValidator(limit)]}
