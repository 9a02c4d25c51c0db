"""Actionplans' background work (Celery), found by the worker's autodiscovery of each
app's tasks module: the task lives beside its service, and is named here so that a worker
registers it without depending on the admin being imported."""

from .onboarding import set_password_email_send

__all__ = ["set_password_email_send"]
