"""The report filters (read from the query string), and the committee report forms:
its range, its cover, and the rows of its meetings and contacts (formsets)."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError

from actionplans.models import ActionPlan
from lib import months

from .columns import (
    COLUMNS,
    PRESET_NAMES,
    REQUIRED,
    layout_name,
    plan_columns,
    preset_keys,
)
from .models import CommitteeReport
from .selectors import FilterChoices, PeriodRef


class ReportFilterForm(forms.Form):
    """The filter bar of a report page; its choices are what the plan holds.

    The query string itself is parsed and checked by the view and the selector, so the
    command line and the pages refuse the same bad values.
    """

    period = forms.ChoiceField(required=False)
    recommendation = forms.ChoiceField(required=False)
    chief_officer = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    lead = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(required=False)

    def __init__(self, *args, choices: FilterChoices, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["period"].choices = [
            (p.key, f"{p.label}{'' if p.is_closed else ' (open, draft)'}")
            for p in reversed(choices.periods)
        ]
        fields["recommendation"].choices = [("", "All recommendations")] + [
            (rec.number, f"Recommendation {rec.number}")
            for rec in choices.recommendations
        ]
        fields["chief_officer"].choices = [("", "All chief officers")] + [
            (p.pk, p.name) for p in choices.chief_officers
        ]
        fields["lead"].choices = [("", "All leads")] + [
            (p.pk, p.name) for p in choices.leads
        ]
        fields["status"].choices = (
            [("", "All statuses")]
            + [(s.label, s.label) for s in choices.statuses]
            + [("none", "No status")]
        )


class ReportPeriodForm(forms.Form):
    """The month chooser of a report with no other filters (the measures report)."""

    period = forms.ChoiceField(required=False)

    def __init__(self, *args, periods: list[PeriodRef], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [
            (p.key, f"{p.label}{'' if p.is_closed else ' (open, draft)'}")
            for p in reversed(periods)
        ]


class CommitteeRangeForm(forms.Form):
    """The months a new committee report covers: a preset length from a first month,
    or any from–to."""

    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half-year"
    YEAR = "year"
    FROM_TO = "from-to"
    LENGTHS = {MONTH: 1, QUARTER: 3, HALF_YEAR: 6, YEAR: 12}

    length = forms.ChoiceField(
        label="Period covered",
        choices=[
            (MONTH, "A month"),
            (QUARTER, "A quarter (3 months)"),
            (HALF_YEAR, "A half-year (6 months)"),
            (YEAR, "A year (12 months)"),
            (FROM_TO, "From one month to another"),
        ],
        initial=QUARTER,
        widget=forms.RadioSelect,
    )
    first_month = forms.CharField(
        label="First month",
        help_text="For example 2009-07 for July 2009.",
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    last_month = forms.CharField(
        label="Last month",
        required=False,
        help_text="Only for “from one month to another”.",
        widget=forms.TextInput(attrs={"type": "month"}),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def _month(self, name: str) -> datetime.date | None:
        value = self.cleaned_data.get(name, "").strip()
        if not value:
            return None
        try:
            return months.month_parse(value)
        except ValueError:
            raise ValidationError(
                "Enter a month written YYYY-MM, for example 2009-07.",
                code="invalid_month",
            ) from None

    def clean_first_month(self) -> datetime.date | None:
        return self._month("first_month")

    def clean_last_month(self) -> datetime.date | None:
        return self._month("last_month")

    def clean(self) -> dict:
        data = super().clean()
        first, length = data.get("first_month"), data.get("length")
        if first is None or length is None:
            return data
        if length == self.FROM_TO:
            last = data.get("last_month")
            if last is None:
                self.add_error(
                    "last_month",
                    ValidationError(
                        "Enter the last month of the period.", code="last_month_missing"
                    ),
                )
                return data
            if last < first:
                self.add_error(
                    "last_month",
                    ValidationError(
                        "The last month must not be before the first month.",
                        code="range_backwards",
                    ),
                )
                return data
        else:
            last = months.month_add(first, self.LENGTHS[length] - 1)
        data["last_month"] = last
        exists = CommitteeReport.objects.filter(
            plan=self.plan, first_month=first, last_month=last
        ).exists()
        if exists:
            raise ValidationError(
                "The plan already has a committee report for these months; "
                "edit that one.",
                code="range_taken",
            )
        return data


_TEXTAREAS = [
    "purpose",
    "summary",
    *CommitteeReport.IMPLICATIONS,
    "background_papers",
]


class CommitteeCoverForm(forms.ModelForm):
    class Meta:
        model = CommitteeReport
        fields = ["title", "report_of", "wards_affected", *_TEXTAREAS]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in _TEXTAREAS}
        help_texts = {
            "title": "Leave empty for “Progress on the … action plan”.",
            **{
                name: "Optional: printed only when written."
                for name in CommitteeReport.IMPLICATIONS
            },
        }


class CommitteeMeetingForm(forms.Form):
    """A row of the forward timetable."""

    body = forms.CharField(
        label="Meeting",
        max_length=255,
        help_text="e.g. Scrutiny Board (Adult Social Care)",
    )
    date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    recommendations = forms.CharField(
        label="Recommendations to this meeting",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# Digits, spaces, brackets, hyphens and a leading +: "0113 247 8000", "+44 (0)113 …".
_TELEPHONE = re.compile(r"^\+?[0-9 ()\-]+$")


class CommitteeContactForm(forms.Form):
    """An author or officer to contact: a telephone number or an email, or both."""

    name = forms.CharField(max_length=255)
    role = forms.CharField(label="Job title", max_length=255, required=False)
    telephone = forms.CharField(max_length=40, required=False)
    email = forms.EmailField(required=False)
    is_author = forms.BooleanField(label="Report author", required=False)

    def clean_telephone(self) -> str:
        value = " ".join(self.cleaned_data["telephone"].split())
        if not value:
            return value
        digits = sum(ch.isdigit() for ch in value)
        if not _TELEPHONE.match(value) or not 10 <= digits <= 15:
            raise ValidationError(
                "Enter a telephone number of 10 to 15 digits, for example 0113 247 8000.",
                code="invalid_telephone",
            )
        return value

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not data.get("telephone") and not data.get("email"):
            raise ValidationError(
                "Give a telephone number or an email address.",
                code="no_contact_details",
            )
        return data


CommitteeMeetingFormSet = forms.formset_factory(
    CommitteeMeetingForm, extra=2, can_delete=True, max_num=10, validate_max=True
)
CommitteeContactFormSet = forms.formset_factory(
    CommitteeContactForm, extra=2, can_delete=True, max_num=10, validate_max=True
)


def formset_rows(formset: forms.BaseFormSet) -> list[dict]:
    """The rows a valid formset keeps, in order: filled in and not marked for deletion."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for index, form in enumerate(formset.forms)
        if (index < formset.initial_form_count() or form.has_changed())
        and not form.cleaned_data.get("DELETE")
    ]


class PlanLayoutForm(forms.Form):
    """The columns of the plan's progress report and exports, and their grouping.

    A ready-made layout, or a custom one: a tick and a position for each column of the
    catalogue (`columns.COLUMNS`), so that it works without script. `columns` in
    cleaned_data is what `ActionPlan.report_columns` stores.
    """

    layout = forms.ChoiceField(
        label="Layout",
        choices=[
            *PRESET_NAMES.items(),
            ("custom", "Custom: the columns ticked below, in the order numbered"),
        ],
        widget=forms.RadioSelect,
    )
    by_section = forms.BooleanField(
        label="Group recommendations under their sections",
        required=False,
        help_text="As Dudley's plan does (\"II IMPROVED QUALITY OF LIFE FOR OLDER "
        'PEOPLE"). Recommendations with no section come under "Recommendations in '
        'no section".',
    )

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        stored = plan.report_columns or []
        chosen = [c.key for c in plan_columns(plan)]
        initial = {
            "layout": layout_name(stored),
            "by_section": plan.report_by_section,
        }
        # The chosen columns numbered in their order, then the others after them.
        order = chosen + [key for key in COLUMNS if key not in chosen]
        for key in COLUMNS:
            initial[f"show_{key}"] = key in chosen
            initial[f"position_{key}"] = order.index(key) + 1
        super().__init__(*args, initial=initial, **kwargs)
        for column in COLUMNS.values():
            self.fields[f"show_{column.key}"] = forms.BooleanField(
                label=column.heading, required=False
            )
            # Text, read in `clean` only where it counts (a ticked column of a custom
            # layout), so that a ready-made layout is never refused for it.
            self.fields[f"position_{column.key}"] = forms.CharField(
                label=f"Position of {column.heading}",
                required=False,
                max_length=3,
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "input--width-3"}
                ),
            )

    def column_rows(self) -> list[tuple]:
        """(tick, position) of each column, in the catalogue's order, for the page."""
        return [
            (self[f"show_{key}"], self[f"position_{key}"], key in REQUIRED)
            for key in COLUMNS
        ]

    def clean(self):
        cleaned = super().clean()
        layout = cleaned.get("layout")
        if layout is None:
            return cleaned
        if layout != "custom":
            cleaned["columns"] = preset_keys(layout)
            return cleaned
        chosen = []
        for index, key in enumerate(COLUMNS):
            if not cleaned.get(f"show_{key}"):
                continue
            text = (cleaned.get(f"position_{key}") or "").strip()
            position = int(text) if text.isdigit() else None
            if position is None or not 1 <= position <= len(COLUMNS):
                self.add_error(
                    f"position_{key}",
                    forms.ValidationError(
                        f"Give {COLUMNS[key].heading} a position: a whole number "
                        f"from 1 to {len(COLUMNS)}.",
                        code="position_required" if not text else "position_invalid",
                    ),
                )
            chosen.append((position or 0, index, key))
        for key in REQUIRED:
            if not cleaned.get(f"show_{key}"):
                self.add_error(
                    f"show_{key}",
                    forms.ValidationError(
                        f"Tick {COLUMNS[key].heading}: every layout shows it.",
                        code="required_column",
                    ),
                )
        # Equal positions keep the catalogue's order.
        cleaned["columns"] = [key for _, _, key in sorted(chosen)]
        return cleaned
