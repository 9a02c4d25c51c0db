"""Forms only validate; evidence.services does the writing."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from actionplans.models import Evidence
from lib.text import is_blank
from lib.uploads import CheckedUpload, UploadRefused, size_text, upload_check

LINK_EXAMPLE = "https://www.leeds.gov.uk/minutes"


class EvidenceForm(forms.Form):
    """A document or a link that proves the month's update: exactly one of the two."""

    title = forms.CharField(
        label="Title",
        max_length=Evidence._meta.get_field("title").max_length,
        help_text="What it is, for example “Minutes of the Safeguarding Board, July 2009”.",
        error_messages={"required": "Enter a title."},
    )
    refers_to = forms.DateField(
        label="Date it refers to",
        input_formats=["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"],
        error_messages={
            "required": "Enter the date it refers to.",
            "invalid": "Enter the date it refers to as a date, like 30/07/2009.",
        },
        # A text box rather than the browser's date picker, as on the update form.
        widget=forms.DateInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "input--date",
            },
            format="%d/%m/%Y",
        ),
        help_text="The date of the meeting, report or figures, for example 30/07/2009.",
    )
    file = forms.FileField(
        label="File",
        required=False,
        widget=forms.FileInput,
        error_messages={"empty": "The file is empty."},
    )
    url = forms.CharField(
        label="Or a link",
        required=False,
        max_length=Evidence._meta.get_field("url").max_length,
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
        help_text=f"A web address, for example {LINK_EXAMPLE}",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when the form is made, so the page always states the limit in force.
        self.fields["file"].help_text = (
            "A PDF, Word, Excel or PowerPoint file, an image (PNG, JPEG, GIF) or a CSV "
            f"file, up to {size_text(settings.EVIDENCE_MAX_BYTES)}."
        )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"]
        if is_blank(title):
            raise ValidationError("Enter a title.", code="required")
        return title.strip()

    def clean_refers_to(self):
        date = self.cleaned_data["refers_to"]
        if date > timezone.localdate():
            raise ValidationError(
                "The date it refers to must be today or in the past.", code="future"
            )
        return date

    def clean_file(self) -> CheckedUpload | None:
        file = self.cleaned_data["file"]
        if not file:
            return None
        try:
            return upload_check(
                file, name=file.name, max_bytes=settings.EVIDENCE_MAX_BYTES
            )
        except UploadRefused as refused:
            raise ValidationError(str(refused), code=refused.code) from refused

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if not url:
            return ""
        scheme = urlsplit(url).scheme.lower() if ":" in url else ""
        if scheme not in {"http", "https"}:
            # Only web pages: a javascript:, data: or file: link would run or open
            # something on the reader's computer instead.
            other = f", not {scheme}:" if scheme else ""
            raise ValidationError(
                f"Enter the whole web address, starting https:// or http://{other}. "
                f"For example {LINK_EXAMPLE}",
                code="link_scheme",
            )
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as error:
            raise ValidationError(
                f"Enter the link as a web address, for example {LINK_EXAMPLE}",
                code="link_invalid",
            ) from error
        return url

    def clean(self):
        data = super().clean()
        has_file = bool(data.get("file")) or "file" in self.errors
        has_link = bool(data.get("url")) or "url" in self.errors
        if has_file and has_link:
            self.add_error(
                "file",
                ValidationError(
                    "Attach a file or give a link, not both.", code="file_and_link"
                ),
            )
        elif not has_file and not has_link:
            self.add_error(
                "file",
                ValidationError("Attach a file or give a link.", code="no_proof"),
            )
        return data

    def values(self) -> dict:
        """The service's arguments (evidence_add), once valid."""
        return {
            "title": self.cleaned_data["title"],
            "refers_to": self.cleaned_data["refers_to"],
            "upload": self.cleaned_data["file"],
            "url": self.cleaned_data["url"],
        }

    def summary_errors(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for includes/_error_summary.html."""
        return [
            (self[name].id_for_label, self.fields[name].label, message)
            for name, messages in self.errors.items()
            if name in self.fields
            for message in messages
        ]


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label="Why are you removing it? (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the history with the removal.",
    )
