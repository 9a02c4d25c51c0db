"""Forms only validate; the services in services.py do the writing."""

import datetime

from django import forms
from django.utils import timezone

from .models import ProgressUpdate, ReportingPeriod, StatusOption


class StatusChoiceField(forms.ModelChoiceField):
    """Each status shown with its meaning: "Amber – action on track but not completed"."""

    def label_from_instance(self, obj: StatusOption) -> str:
        return f"{obj.label} – {obj.meaning}"


class ItemUpdateForm(forms.Form):
    """One action's or milestone's update for one period."""

    status = StatusChoiceField(queryset=StatusOption.objects.none(), required=False)
    direction = forms.ChoiceField(
        label="Direction of travel",
        choices=ProgressUpdate.Direction.choices,
        required=False,
    )
    progress = forms.CharField(
        label="Progress", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    risk = forms.CharField(
        label="Risk", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    actual_finish = forms.DateField(
        label="Actual finish",
        error_messages={
            "invalid": "Enter the actual finish as a date, like 30/06/2009."
        },
        required=False,
        # A text box rather than the browser's date picker (as GOV.UK advises): it reads
        # the same in every browser and locale, and works well with the keyboard.
        widget=forms.DateInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "input--date",
            },
            format="%d/%m/%Y",
        ),
        help_text="For example 30/06/2009. Leave empty until the work is finished.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self,
        *args,
        item,
        period: ReportingPeriod,
        statuses: list[StatusOption],
        submit: bool = False,
        compact: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.item, self.period, self.submit = item, period, submit
        self.statuses = statuses
        self.fields["status"].queryset = StatusOption.objects.filter(
            pk__in=[s.pk for s in statuses]
        )
        # The field's own queryset would query again on render; the choices are known.
        self.fields["status"].choices = [("", "Not assessed")] + [
            (s.pk, self.fields["status"].label_from_instance(s)) for s in statuses
        ]
        if compact:
            self.fields["progress"].widget.attrs["rows"] = 3
            self.fields["risk"].widget.attrs["rows"] = 2
        else:
            self.fields["status"].widget = forms.RadioSelect(
                choices=self.fields["status"].choices[1:]
            )
            self.fields["direction"].widget = forms.RadioSelect(
                choices=ProgressUpdate.Direction.choices
            )

    def clean_actual_finish(self) -> datetime.date | None:
        finish = self.cleaned_data["actual_finish"]
        if finish is None:
            return None
        if finish > timezone.localdate():
            raise forms.ValidationError(
                "The actual finish cannot be in the future.", code="future"
            )
        start = self.item.plan_start
        if start and finish < start:
            raise forms.ValidationError(
                f"The actual finish cannot be before the plan start ({start:%d/%m/%Y}).",
                code="before_start",
            )
        return finish

    def clean(self):
        data = super().clean()
        status: StatusOption | None = data.get("status")
        finish = data.get("actual_finish")
        complete = [s.label for s in self.statuses if s.counts_as_complete]
        if (
            status
            and status.counts_as_complete
            and finish is None
            and ("actual_finish" not in self.errors)
        ):
            self.add_error(
                "actual_finish",
                forms.ValidationError(
                    f"Enter the actual finish: {status.label} means the work is complete.",
                    code="complete_needs_finish",
                ),
            )
        if finish and status is not None and not status.counts_as_complete:
            self.add_error(
                "status",
                forms.ValidationError(
                    f"An item with an actual finish is complete: choose "
                    f"{' or '.join(complete)}, or clear the actual finish.",
                    code="finish_needs_complete",
                ),
            )
        if self.submit and status is None and "status" not in self.errors:
            self.add_error(
                "status",
                forms.ValidationError(
                    "Choose a status before submitting for sign-off.", code="required"
                ),
            )
        return data


def proposed_status(
    *,
    item,
    period: ReportingPeriod,
    statuses: list[StatusOption],
    last: StatusOption | None,
) -> StatusOption | None:
    """The status offered when an item has no update yet this month.

    Not started (Grey) when the item's plan start is after the month; otherwise last
    month's status.
    """
    if item.plan_start and item.plan_start > period.last_day:
        return next((s for s in statuses if s.is_not_started), last)
    return last


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="What does the lead need to change?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Say what the lead needs to change."},
    )


class NarrativeForm(forms.ModelForm):
    reason = forms.CharField(
        label="Reason for the amendment",
        required=False,
        max_length=500,
        help_text="Required for a closed month: the change is recorded as an amendment.",
    )

    class Meta:
        model = ReportingPeriod
        fields = ["overview", "risks", "amendments"]
        widgets = {
            "overview": forms.Textarea(attrs={"rows": 8}),
            "risks": forms.Textarea(attrs={"rows": 6}),
            "amendments": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if self.instance.is_closed and not reason:
            raise forms.ValidationError(
                "Give the reason for amending a closed month.", code="required"
            )
        return reason


class AmendmentReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the amendment",
        max_length=500,
        error_messages={"required": "Give the reason for the amendment."},
    )


class ClosePeriodForm(forms.Form):
    confirm_missing = forms.BooleanField(
        required=False,
        label="Close the month although some returns are missing or not signed off",
    )
