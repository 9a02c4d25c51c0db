"""Forms of the feeds app: they validate, and nothing else."""

import datetime

from django import forms

from actionplans.models import ActionPlan
from lib import months

from .models import FeedToken


class FeedTokenForm(forms.Form):
    name = forms.CharField(
        label="What is it for?",
        max_length=FeedToken._meta.get_field("name").max_length,
        help_text='For example "Power BI: DMT performance dashboard". Shown in the '
        "list of tokens and in the request log.",
    )
    allows_internal = forms.BooleanField(
        label="Include internal fields",
        required=False,
        help_text="Risk narratives, officer names, evidence titles and the items not "
        "for publication. Leave unticked for a feed that shows only what the public "
        "may see.",
    )

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Say what the token is for.", code="blank_name")
        if FeedToken.objects.active().filter(plan=self.plan, name=name).exists():
            raise forms.ValidationError(
                "A token that is not revoked already has this name: choose another, "
                "or revoke that one first.",
                code="duplicate_name",
            )
        return name

    def summary_errors(self) -> list[tuple[str, str, str]]:
        return [
            (self[name].id_for_label, self.fields[name].label, error)
            for name, errors in self.errors.items()
            if name in self.fields
            for error in errors
        ]


class FeedQueryForm(forms.Form):
    """A feed's query string: ?from=YYYY-MM&to=YYYY-MM&page=N, all optional."""

    # "from" is a Python keyword: the field is named in the form's data by add_prefix.
    month_from = forms.CharField(required=False)
    month_to = forms.CharField(required=False)
    page = forms.CharField(required=False)

    NAMES = {"month_from": "from", "month_to": "to", "page": "page"}

    def add_prefix(self, field_name: str) -> str:
        return self.NAMES.get(field_name, field_name)

    def _month(self, name: str) -> datetime.date | None:
        value = self.cleaned_data[name].strip()
        if not value:
            return None
        try:
            return months.month_parse(value)
        except ValueError:
            raise forms.ValidationError(
                f"{self.NAMES[name]}={value} is not a month: write it YYYY-MM, "
                "e.g. 2009-08.",
                code="bad_month",
            ) from None

    def clean_month_from(self) -> datetime.date | None:
        return self._month("month_from")

    def clean_month_to(self) -> datetime.date | None:
        return self._month("month_to")

    def clean_page(self) -> int:
        value = self.cleaned_data["page"].strip()
        if not value:
            return 1
        if not value.isdigit() or int(value) < 1:
            raise forms.ValidationError(
                f"page={value} is not a page number: pages are numbered from 1.",
                code="bad_page",
            )
        return int(value)

    def clean(self):
        data = super().clean()
        start, end = data.get("month_from"), data.get("month_to")
        if start and end and start > end:
            raise forms.ValidationError(
                "from is after to: give the earlier month first.",
                code="from_after_to",
            )
        return data

    def message(self) -> str:
        """All the errors in one line, for a program's log."""
        return " ".join(
            str(error) for errors in self.errors.values() for error in errors
        )
