"""The report filters (read from the query string) and the scrutiny cover report form."""

from django import forms

from .models import ScrutinyReport
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


class ScrutinyReportForm(forms.ModelForm):
    class Meta:
        model = ScrutinyReport
        fields = [
            "purpose",
            "summary",
            "recommendations",
            "financial_implications",
            "legal_implications",
            "equality_implications",
            "author",
            "contact",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 5})
            for name in [
                "purpose",
                "summary",
                "recommendations",
                "financial_implications",
                "legal_implications",
                "equality_implications",
            ]
        }
