from django.apps import AppConfig


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"

    def ready(self) -> None:
        from actionplans.signals import period_frozen

        from .receivers import period_reports_prepare_on_commit

        period_frozen.connect(
            period_reports_prepare_on_commit, dispatch_uid="reporting-period-pdfs"
        )
