from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = "Publishing"

    def ready(self) -> None:
        from reporting.pdfs import PDF_MAKERS

        from .pdf import KIND, public_pdf

        PDF_MAKERS[KIND] = public_pdf
