"""django-import-export resources for the admin's per-model import and export.

Officers, actions and milestones, each matched on its natural key, so that importing a file
exported from another installation updates rows rather than duplicating them. Whole plans
(with milestone rows, statuses and periods) go through the plan import page instead
(imports/views.py).
"""

from import_export import fields, resources, widgets

from lib.spreadsheets import FormulaSafeExport
from organisations.models import Organisation

from .models import Action, ActionPlan, Milestone, Officer


class _ActionWidget(widgets.ForeignKeyWidget):
    """An action as "plan-slug number", e.g. "leeds-iwc 1.3": numbers repeat across plans."""

    def __init__(self, **kwargs):
        super().__init__(Action, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        slug, _, number = str(value).strip().partition(" ")
        return Action.objects.get(plan__slug=slug, number=number.strip())

    def render(self, value, obj=None, **kwargs):
        return f"{value.plan.slug} {value.number}" if value else ""


class OfficerResource(FormulaSafeExport, resources.ModelResource):
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=widgets.ForeignKeyWidget(Organisation, "name"),
    )

    class Meta:
        model = Officer
        fields = ("organisation", "name", "role_title", "initials", "email")
        import_id_fields = ("organisation", "name", "role_title", "initials")
        skip_unchanged = True
        report_skipped = True
        use_transactions = True


class ActionResource(FormulaSafeExport, resources.ModelResource):
    plan = fields.Field(
        attribute="plan",
        column_name="plan",
        widget=widgets.ForeignKeyWidget(ActionPlan, "slug"),
    )
    leads = fields.Field(
        attribute="leads",
        column_name="leads",
        widget=widgets.ManyToManyWidget(Officer, separator=";", field="pk"),
    )
    chief_officers = fields.Field(
        attribute="chief_officers",
        column_name="chief_officers",
        widget=widgets.ManyToManyWidget(Officer, separator=";", field="pk"),
    )

    class Meta:
        model = Action
        fields = (
            "plan",
            "number",
            "aim",
            "text",
            "plan_start",
            "plan_start_text",
            "plan_finish",
            "plan_finish_text",
            "actual_finish",
            "actual_finish_text",
            "success_criteria",
            "outcomes",
            "leads",
            "chief_officers",
        )
        import_id_fields = ("plan", "number")
        skip_unchanged = True
        report_skipped = True
        use_transactions = True


class MilestoneResource(FormulaSafeExport, resources.ModelResource):
    action = fields.Field(
        attribute="action", column_name="action", widget=_ActionWidget()
    )

    class Meta:
        model = Milestone
        fields = (
            "action",
            "label",
            "order",
            "text",
            "success_criteria",
            "plan_start",
            "plan_start_text",
            "plan_finish",
            "plan_finish_text",
            "actual_finish",
            "actual_finish_text",
        )
        import_id_fields = ("action", "label")
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
