"""Forms only validate; services.py does the writing."""

from django import forms
from django.core.exceptions import ValidationError

from actionplans.models import ActionPlan


class PublicationSettingsForm(forms.Form):
    """What the public pages show. The items are checkboxes named `exempt_action` and
    `exempt_milestone`, one per row of the page's table, holding the item's id."""

    shows_risks = forms.BooleanField(label="Publish risk narratives", required=False)
    shows_officers = forms.BooleanField(
        label="Publish officer names (leads and chief officers)", required=False
    )
    shows_evidence = forms.BooleanField(
        label="Publish evidence titles and links", required=False
    )
    exempt_action = forms.TypedMultipleChoiceField(coerce=int, required=False)
    exempt_milestone = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, plan: ActionPlan, actions: list, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "shows_risks": plan.public_shows_risks,
                "shows_officers": plan.public_shows_officers,
                "shows_evidence": plan.public_shows_evidence,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["exempt_action"].choices = [(a.pk, a.number) for a in actions]
        self.fields["exempt_milestone"].choices = [
            (m.pk, m.number) for a in actions for m in a.milestones.all()
        ]
        self.fields["exempt_action"].error_messages["invalid_choice"] = (
            "That action is not in this plan: reload the page and choose again."
        )
        self.fields["exempt_milestone"].error_messages["invalid_choice"] = (
            "That milestone is not in this plan: reload the page and choose again."
        )


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have checked what the public will see",
        required=False,
    )

    def clean_confirm(self) -> bool:
        if not self.cleaned_data.get("confirm"):
            raise ValidationError(
                "Confirm that you have checked what the public will see.",
                code="not_confirmed",
            )
        return True
