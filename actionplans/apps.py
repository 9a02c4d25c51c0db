from django.apps import AppConfig


class ActionplansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "actionplans"

    def ready(self):
        from . import security  # noqa: F401 (connects the failed-login audit log)
