from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from organisations.models import Organisation

from .dates import month_from_text
from .layouts import LAYOUTS
from .reading import MAX_FILE_BYTES


class PlanImportForm(forms.Form):
    """Upload a plan spreadsheet into an existing plan."""

    file = forms.FileField(
        label="Spreadsheet",
        help_text="An Excel workbook (.xlsx) or a CSV file, up to 10 MB and "
        f"{settings.IMPORT_MAX_ROWS:,} rows.",
    )
    layout = forms.ChoiceField(
        label="Layout",
        choices=[("", "Detect it from the header row")] + list(LAYOUTS.items()),
        required=False,
        widget=forms.RadioSelect,
    )
    this_month = forms.CharField(
        label="Month the file reports on (This Month RAG, progress reports)",
        help_text="For example August 2009. Leave it empty to use the month named in "
        "the file's title. Last Month RAG is the month before.",
        required=False,
        max_length=30,
    )
    close_month = forms.BooleanField(
        label="The file is this month's final report: close the month and open the next",
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(
                "The file must be 10 MB or smaller. Split the plan or remove pictures.",
                code="too_big",
            )
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in {"xlsx", "csv"}:
            raise ValidationError(
                "The file must be an Excel workbook (.xlsx) or a CSV file.",
                code="file_type",
            )
        return upload

    def clean_this_month(self):
        text = self.cleaned_data["this_month"].strip()
        if not text:
            return None
        try:
            return month_from_text(text)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid_month") from exc


class NewPlanImportForm(PlanImportForm):
    """Upload a spreadsheet as a new plan: the plan's own details come from the form."""

    title = forms.CharField(label="Plan title", max_length=255)
    owner = forms.CharField(
        label="Council and service",
        help_text="For example Leeds City Council, Adult Social Care.",
        max_length=255,
    )
    inspectorate = forms.CharField(
        label="Inspectorate", help_text="For example CQC or Ofsted.", max_length=100
    )
    organisation = forms.CharField(
        label="Council",
        help_text="The council that owns the plan, e.g. Leeds City Council. The file's "
        "officers are matched only to this council's officers; a council new to "
        "Actionplans is added.",
        max_length=255,
        widget=forms.TextInput(attrs={"list": "councils", "autocomplete": "off"}),
    )
    inspection_title = forms.CharField(
        label="Inspection title",
        help_text="Leave it empty to use the plan title.",
        max_length=255,
        required=False,
    )

    field_order = [
        "title",
        "organisation",
        "owner",
        "inspectorate",
        "inspection_title",
        "file",
    ]

    def clean_organisation(self) -> str:
        """The council's name as already written, whatever its case or spacing."""
        name = " ".join(self.cleaned_data["organisation"].split())
        known = Organisation.objects.filter(name__iexact=name).first()
        return known.name if known else name
