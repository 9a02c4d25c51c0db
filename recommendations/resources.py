"""django-import-export resources for the admin's per-model import and export.

Matched on the natural key (inspection, number), so that importing a file exported from
another installation updates rows rather than duplicating them.
"""

from import_export import fields, resources, widgets

from lib.spreadsheets import FormulaSafeExport

from .models import Inspection, Recommendation


class RecommendationResource(FormulaSafeExport, resources.ModelResource):
    inspection = fields.Field(
        attribute="inspection",
        column_name="inspection",
        widget=widgets.ForeignKeyWidget(Inspection, "pk"),
    )

    class Meta:
        model = Recommendation
        fields = ("inspection", "number", "text")
        import_id_fields = ("inspection", "number")
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
