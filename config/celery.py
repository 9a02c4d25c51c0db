"""The Celery app: `celery -A config worker` and `celery -A config beat` (see README).

Settings come from Django's, those named CELERY_* (config/settings.py). Tasks live in each
app's tasks.py and are found by autodiscovery.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("actionplans")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
