"""What an import would do (preview) or did (confirm), for the page and the command line."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from actionplans.loading import LoadReport
from actionplans.models import (
    Action,
    ActionPlan,
    Measure,
    MeasureTarget,
    MeasureValue,
    Milestone,
    Officer,
    ProgressUpdate,
    ReportingPeriod,
)
from recommendations.models import Inspection, Judgment, Recommendation, Theme

from .layouts import Layout, Problem
from .matching import OfficerMatch

# The kinds of row the preview counts, in the order it shows them.
PREVIEW_KINDS = [
    "theme",
    "recommendation",
    "action",
    "milestone",
    "officer",
    "progress update",
    "reporting period",
    "measure",
    "measure target",
    "measure value",
]

# The models an import writes, by the kind LoadReport gives their rows.
_MODELS: dict[str, type[models.Model]] = {
    str(model._meta.verbose_name): model
    for model in (
        Inspection,
        Judgment,
        Theme,
        Recommendation,
        ActionPlan,
        Officer,
        ReportingPeriod,
        Action,
        Milestone,
        ProgressUpdate,
        Measure,
        MeasureTarget,
        MeasureValue,
    )
}


def field_label(kind: str, name: str) -> str:
    """A changed field as people name it: the model field's verbose name, e.g.
    "actual finish (as written)" for the text kept beside a date."""
    model = _MODELS.get(str(kind))
    if model is not None:
        try:
            found = model._meta.get_field(name)
        except FieldDoesNotExist:
            found = None
        # A reverse relation (a measure's "targets") has no verbose name.
        if getattr(found, "verbose_name", None):
            return str(found.verbose_name)
    return name.replace("_", " ")


@dataclass(frozen=True)
class Difference:
    """One field of an amendment: its label, the agreed value and the file's, as shown."""

    label: str
    old: str
    new: str


@dataclass(frozen=True)
class ImportAmendment:
    """A difference between the file and an item's agreed values, which the import
    records as an approved amendment (one per item and kind of amendment)."""

    number: str
    kind: str
    differences: tuple[Difference, ...]

    def __str__(self) -> str:
        changes = "; ".join(
            f"{d.label} {_short(d.old)} → {_short(d.new)}" for d in self.differences
        )
        return f"{self.number} {changes}"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class ImportResult:
    """What an import would do (preview) or did (confirm), and every problem found."""

    layout: Layout | None = None
    this_month: datetime.date | None = None
    problems: list[Problem] = field(default_factory=list)
    report: LoadReport | None = None
    officers: list[OfficerMatch] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)
    # The agreed values the file changes, recorded as approved amendments.
    amendments: list[ImportAmendment] = field(default_factory=list)
    plan: ActionPlan | None = None
    saved: bool = False
    seconds: float = 0.0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "note"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> list[tuple[str, int, int, int]]:
        """(kind, created, changed, unchanged) for every kind the preview shows."""
        if self.report is None:
            return []
        report = self.report
        return [
            (kind, report.created[kind], report.changed[kind], report.unchanged[kind])
            for kind in PREVIEW_KINDS
            if report.created[kind] or report.changed[kind] or report.unchanged[kind]
        ]

    def changed_rows(self) -> list[tuple[str, str, list[str]]]:
        """(kind, row, the changed fields' labels) for every changed row, in load order."""
        if self.report is None:
            return []
        return [
            (kind, row, [field_label(kind, name) for name in names])
            for kind, row, names in self.report.changes
        ]

    def lines(self) -> list[str]:
        """The preview as plain text, for the command line."""
        lines = []
        if self.layout:
            lines.append(f"Layout: {self.layout}")
        if self.this_month:
            lines.append(f"This month: {self.this_month:%B %Y}")
        counts = self.counts()
        if counts:
            lines.append(f"{'':<18}{'created':>9}{'changed':>9}{'unchanged':>11}")
            for kind, created, changed, unchanged in counts:
                lines.append(f"{kind:<18}{created:>9}{changed:>9}{unchanged:>11}")
        for kind, row, labels in self.changed_rows():
            if kind in PREVIEW_KINDS:
                lines.append(f"CHANGED {kind} {row}: {', '.join(labels)}")
        for amendment in self.amendments:
            lines.append(f"AMENDMENT {amendment}")
        for match in self.officers:
            if match.how != "existing":
                lines.append(
                    f"OFFICER {match.written!r}: {match.how} ({match.officer})"
                )
        if self.not_in_file:
            lines.append(
                "In the plan but not in the file (left as they are): "
                + ", ".join(self.not_in_file)
            )
        for problem in self.problems:
            if problem.severity != "note":
                lines.append(str(problem))
        lines.append(
            f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)"
            + (f", {self.seconds:.2f} s" if self.seconds else "")
        )
        return lines
