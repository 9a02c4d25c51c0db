"""Forms only validate; amendments.services does the writing (and the domain checks,
whose messages the views put back on these forms' fields)."""

from django import forms

from actionplans.models import Action, ActionPlan, Amendment, Milestone, Officer
from actionplans.models.amendments import AMENDED_OFFICERS
from lib import limits
from lib.text import is_blank
from recommendations.models import Recommendation

from .services import KIND_FIELDS, AmendmentInvalid

Kind = Amendment.Kind


def _date_field(label: str, help_text: str = "For example 31/12/2009.") -> forms.Field:
    # A text box rather than the browser's date picker, as on the update form.
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"],
        error_messages={
            "invalid": f"Enter the {label.lower()} as a date, like 31/12/2009."
        },
        widget=forms.DateInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "input--date",
            },
            format="%d/%m/%Y",
        ),
        help_text=help_text,
    )


class OfficerChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


def _reason_field(label: str = "Reason for the change") -> forms.Field:
    return forms.CharField(
        label=label,
        max_length=limits.COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for the change."},
        help_text="The board reads this when it decides.",
    )


class _ServiceErrorsForm(forms.Form):
    def add_service_errors(self, exc: AmendmentInvalid) -> None:
        """The service's messages, each on its field (or on the whole form)."""
        for name, message in exc.errors.items():
            self.add_error(name if name in self.fields else None, message)


class RequestForm(_ServiceErrorsForm):
    """A request of one kind for one item (or, for a new action, for the plan).

    The fields are those of the kind (services.KIND_FIELDS), starting from the item's
    current values; `proposed()` keeps only the values that change.
    """

    def __init__(
        self,
        data=None,
        *,
        kind: str,
        plan: ActionPlan,
        item: Action | Milestone | None,
        **kwargs,
    ):
        super().__init__(data, **kwargs)
        self.kind, self.plan, self.item = kind, plan, item
        officers = Officer.objects.in_organisation(plan.organisation_id)
        names = KIND_FIELDS[kind]
        if isinstance(item, Milestone) and kind == Kind.OFFICERS:
            names = ["leads"]  # a milestone has leads of its own, not chief officers
        if kind == Kind.NEW_ACTION:
            self.fields["recommendation"] = forms.ModelChoiceField(
                label="Recommendation it answers",
                queryset=Recommendation.objects.filter(inspection=plan.inspection),
                error_messages={
                    "required": "Choose the recommendation the action answers."
                },
            )
        makers = {
            "number": lambda: forms.CharField(label="Action number", max_length=20),
            "label": lambda: forms.CharField(
                label="Milestone label", max_length=10, help_text='For example "(d)".'
            ),
            "text": lambda: forms.CharField(
                label="Milestone" if _milestone_kind(kind, item) else "Action",
                required=not _milestone_kind(kind, item),
                max_length=limits.SHORT_TEXT,
                widget=forms.Textarea(attrs={"rows": 4}),
            ),
            "success_criteria": lambda: forms.CharField(
                label="Success criteria",
                required=False,
                max_length=limits.SHORT_TEXT,
                widget=forms.Textarea(attrs={"rows": 3}),
            ),
            "plan_start": lambda: _date_field("Plan start"),
            "plan_finish": lambda: _date_field("Plan finish"),
            "leads": lambda: OfficerChoiceField(
                label="Leads", queryset=officers, required=False
            ),
            "chief_officers": lambda: OfficerChoiceField(
                label="Chief officers", queryset=officers, required=False
            ),
            "superseded_by": lambda: forms.ModelChoiceField(
                label="Merged into action",
                queryset=Action.objects.filter(
                    plan=plan, withdrawn_in__isnull=True
                ).exclude(pk=getattr(item, "pk", None)),
                required=False,
            ),
        }
        for name in names:
            self.fields[name] = makers[name]()
            if item is not None and kind in {Kind.DATES, Kind.WORDING, Kind.OFFICERS}:
                self.initial[name] = (
                    list(getattr(item, name).all())
                    if name in AMENDED_OFFICERS
                    else getattr(item, name)
                )
        self.fields["reason"] = _reason_field(
            "Reason for withdrawing it"
            if kind == Kind.WITHDRAW
            else "Reason for the change"
        )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"]
        if is_blank(reason):
            raise forms.ValidationError("Give the reason for the change.")
        return reason.strip()

    def proposed(self) -> dict:
        """The values asked for: for a change to an item, only those that differ."""
        data = self.cleaned_data
        names = [n for n in self.fields if n not in {"reason", "recommendation"}]
        values = {name: data.get(name) for name in names}
        if self.kind in {Kind.DATES, Kind.WORDING, Kind.OFFICERS}:
            values = {
                name: value
                for name, value in values.items()
                if _differs(value, self.initial.get(name))
            }
        return values


def _milestone_kind(kind: str, item) -> bool:
    return kind == Kind.NEW_MILESTONE or isinstance(item, Milestone)


def _differs(value, current) -> bool:
    if isinstance(current, list):
        return {o.pk for o in value or []} != {o.pk for o in current}
    return (value or None) != (current or None)


class DecisionForm(_ServiceErrorsForm):
    """The board's decision on one request, or on those ticked in the month's list."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            (Amendment.Decision.APPROVED, "Approved"),
            (Amendment.Decision.REJECTED, "Rejected"),
            (Amendment.Decision.DEFERRED, "Deferred to a later meeting"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision."},
    )
    board = forms.CharField(
        label="Decided by",
        max_length=255,
        help_text='The board or meeting, e.g. "DMT performance board".',
        error_messages={"required": "Enter the body that decided."},
    )
    decided_on = _date_field("Date of the decision", "For example 12/08/2009.")
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=limits.COMMENT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].required = True
        self.fields["decided_on"].error_messages["required"] = (
            "Enter the date of the decision, like 12/08/2009."
        )

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "decision": data["decision"],
            "board": data["board"],
            "decided_on": data["decided_on"],
            "note": data["note"],
        }
