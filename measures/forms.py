"""The coordinator's form for a measure. It reads what was typed; the rules about what a
measure may be are measures.services.measure_problems, which the form asks too so that
every message shows at once, and which the service asks again before it writes."""

import decimal
from dataclasses import dataclass

from django import forms
from django.forms.boundfield import BoundWidget

from actionplans.models import Action, ActionPlan, Measure, Milestone
from lib import limits

from .services import (
    TARGET_ROWS,
    MeasureDefinition,
    MeasureInvalid,
    TargetRow,
    measure_problems,
    target_field,
)

# (field id, label, message), as includes/_error_summary.html lists them.
SummaryError = tuple[str, str, str]

HIGHER, LOWER = "higher", "lower"


class NumberField(forms.DecimalField):
    """A number as plans write it: "76%", "2,417" and "28 days" read as 76, 2417, 28.

    A text box, not the browser's number input, which refuses "76%" without a word.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, *, what: str, example: str, **kwargs):
        messages = {
            "invalid": f"Enter {what} as a number, like {example}.",
            "max_decimal_places": f"Enter {what} with at most 2 decimal places.",
            "max_digits": f"Enter {what} as a number under a million million.",
            "max_whole_digits": f"Enter {what} as a number under a million million.",
        }
        super().__init__(
            max_digits=14, decimal_places=2, error_messages=messages, **kwargs
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removesuffix("%").removesuffix("days").strip()
            value = value.replace(",", "")
        return super().to_python(value)


def _plain(value: decimal.Decimal | None) -> str | None:
    """A stored value as typed: 63.00 as "63", 100 as "100" (not "1E+2")."""
    return None if value is None else f"{value.normalize():f}"


def _date_field(label: str, *, what: str, example: str) -> forms.DateField:
    # A text box rather than the browser's date picker, as on the other forms.
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"],
        error_messages={"invalid": f"Enter {what} as a date, like {example}."},
        widget=forms.DateInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "input--date",
            },
            format="%d/%m/%Y",
        ),
    )


class ItemsField(forms.ModelMultipleChoiceField):
    """The plan's actions (or milestones) as checkboxes; another plan's are refused."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, queryset, **kwargs):
        super().__init__(
            queryset,
            required=False,
            error_messages={
                "invalid_choice": "Choose this plan's actions and milestones only.",
                "invalid_pk_value": "Choose this plan's actions and milestones only.",
            },
            **kwargs,
        )

    def label_from_instance(self, obj: Action | Milestone) -> str:
        words = obj.text or getattr(obj, "success_criteria", "")
        words = words if len(words) <= 90 else f"{words[:90].rstrip()}…"
        withdrawn = " (withdrawn)" if obj.withdrawn_in else ""
        return f"{obj.number}{withdrawn} {words}".strip()


@dataclass(frozen=True)
class ItemGroup:
    """An action's checkbox with its milestones' checkboxes, as the form lists them."""

    action: BoundWidget
    milestones: list[BoundWidget]


class MeasureForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="Short, as people say it, e.g. “Timely reviews”.",
        error_messages={"required": "Enter the measure's name, like “Timely reviews”."},
    )
    unit = forms.ChoiceField(
        label="Counted in",
        choices=[
            (Measure.Unit.PERCENT, "Percentage (%)"),
            (Measure.Unit.NUMBER, "Number"),
            (Measure.Unit.DAYS, "Days"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what the measure is counted in.",
            "invalid_choice": "Choose what the measure is counted in.",
        },
    )
    direction = forms.ChoiceField(
        label="Which is better",
        choices=[
            (HIGHER, "Higher is better"),
            (LOWER, "Lower is better (e.g. days waited)"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether a higher or lower value is better.",
            "invalid_choice": "Choose whether a higher or lower value is better.",
        },
    )
    baseline_value = NumberField(
        label="Baseline",
        required=False,
        what="the baseline",
        example="63 or 63.5",
        help_text="Where the measure started, e.g. 63 for 63%.",
    )
    baseline_date = _date_field(
        "Baseline date", what="the baseline date", example="31/03/2008"
    )
    source = forms.CharField(
        label="In the plan's words (optional)",
        required=False,
        max_length=limits.SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Quote the plan, e.g. “From an 07/08 baseline of 63% In Year 1: 76% "
        "of service users to receive a timely review”.",
    )

    def __init__(
        self, data=None, *, plan: ActionPlan, measure: Measure | None = None, **kwargs
    ):
        super().__init__(data, **kwargs)
        self.plan, self.measure = plan, measure
        self.fields["actions"] = ItemsField(
            Action.objects.filter(plan=plan).order_by("sort_key"),
            label="Actions it evidences",
        )
        self.fields["milestones"] = ItemsField(
            Milestone.objects.filter(action__plan=plan)
            .select_related("action")
            .order_by("action__sort_key", "order"),
            label="Milestones it evidences",
        )
        targets = list(measure.targets.all()) if measure else []
        # Never fewer rows than the measure has targets (the admin may have added more),
        # so that saving the form does not drop any.
        self.target_rows = list(range(1, max(TARGET_ROWS, len(targets)) + 1))
        for row in self.target_rows:
            self.fields[target_field(row, "label")] = forms.CharField(
                label=f"Target {row} label",
                required=False,
                max_length=60,
                error_messages={
                    "max_length": f"Target {row}'s label is at most 60 characters."
                },
                widget=forms.TextInput(attrs={"placeholder": f"Year {row}"}),
            )
            self.fields[target_field(row, "value")] = NumberField(
                label=f"Target {row} value",
                required=False,
                what=f"target {row}'s value",
                example="76 or 76.5",
            )
            self.fields[target_field(row, "due")] = _date_field(
                f"Target {row} date",
                what=f"target {row}'s date",
                example="31/03/2010",
            )
        if measure is not None:
            self.initial |= {
                "name": measure.name,
                "unit": measure.unit,
                "direction": HIGHER if measure.higher_is_better else LOWER,
                "baseline_value": _plain(measure.baseline_value),
                "baseline_date": measure.baseline_date,
                "source": measure.source,
                "actions": [a.pk for a in measure.actions.all()],
                "milestones": [m.pk for m in measure.milestones.all()],
            }
            for row, target in zip(self.target_rows, targets, strict=False):
                self.initial[target_field(row, "label")] = target.label
                self.initial[target_field(row, "value")] = _plain(target.value)
                self.initial[target_field(row, "due")] = target.due
        else:
            self.initial.setdefault("unit", Measure.Unit.PERCENT)
            self.initial.setdefault("direction", HIGHER)

    # --- Reading ------------------------------------------------------------------------

    def _targets(self) -> list[TargetRow]:
        """The filled rows that read cleanly; a half-filled row gets its message here."""
        data = self.cleaned_data
        rows = []
        for row in self.target_rows:
            names = {
                part: target_field(row, part) for part in ("label", "value", "due")
            }
            if any(names[part] in self.errors for part in ("value", "due")):
                continue
            label = (data.get(names["label"]) or "").strip()
            value, due = data.get(names["value"]), data.get(names["due"])
            if not label and value is None and due is None:
                continue  # a blank row: there are more rows than targets
            if value is None:
                self.add_error(
                    names["value"],
                    f"Enter target {row}'s value, like 76, or clear the row.",
                )
            if due is None:
                self.add_error(
                    names["due"],
                    f"Enter target {row}'s date, like 31/03/2010, or clear the row.",
                )
            if value is not None and due is not None:
                rows.append(TargetRow(row=row, value=value, due=due, label=label))
        return rows

    def clean(self):
        data = super().clean()
        self._definition = MeasureDefinition(
            name=data.get("name") or "",
            unit=data.get("unit") or Measure.Unit.PERCENT,
            higher_is_better=data.get("direction", HIGHER) == HIGHER,
            baseline_value=data.get("baseline_value"),
            baseline_date=data.get("baseline_date"),
            source=data.get("source") or "",
            actions=list(data.get("actions") or []),
            milestones=list(data.get("milestones") or []),
            targets=self._targets(),
        )
        # Every message at once: the rules the service applies, for whatever read
        # cleanly (a field that could not be read keeps its own message).
        problems = measure_problems(
            plan=self.plan, measure=self.measure, definition=self._definition
        )
        self.add_service_errors(MeasureInvalid(problems))
        return data

    def definition(self) -> MeasureDefinition:
        """What the coordinator defined; call after is_valid()."""
        return self._definition

    def add_service_errors(self, exc: MeasureInvalid) -> None:
        """The service's messages, each on its field (or on the whole form); a field
        that already has a message keeps only its own."""
        for name, message in exc.errors.items():
            field = name if name in self.fields else None
            if field is None or field not in self.errors:
                self.add_error(field, message)

    # --- Showing ------------------------------------------------------------------------

    def target_fields(
        self,
    ) -> list[tuple[int, forms.BoundField, forms.BoundField, forms.BoundField]]:
        """Each target row's number and its label, value and date fields."""
        return [
            (
                row,
                self[target_field(row, "label")],
                self[target_field(row, "value")],
                self[target_field(row, "due")],
            )
            for row in self.target_rows
        ]

    def item_groups(self) -> list[ItemGroup]:
        """The checkboxes of the plan's actions, each with its milestones' below it."""
        milestones: dict[int, list[BoundWidget]] = {}
        for checkbox in self["milestones"]:
            milestone = checkbox.data["value"].instance
            milestones.setdefault(milestone.action_id, []).append(checkbox)
        return [
            ItemGroup(checkbox, milestones.get(checkbox.data["value"].instance.pk, []))
            for checkbox in self["actions"]
        ]

    def summary_errors(self) -> list[SummaryError]:
        """The error summary's entries, the whole form's first, each linked to its field."""
        errors = [("measure-form", "", message) for message in self.non_field_errors()]
        for name, field in self.fields.items():
            bound = self[name]
            # Radios and checkboxes have no one label: link to the first of them.
            anchor = bound.id_for_label or f"{bound.auto_id}_0"
            # A target's messages name their row ("Target 2's date ..."): no label.
            label = "" if name.startswith("target_") else field.label
            errors += [
                (anchor, label, message) for message in self.errors.get(name, [])
            ]
        return errors
