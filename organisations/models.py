"""The council that owns inspections, plans and officers. Nothing crosses from one to another.

One installation may host several councils, and every council has a "Director of Adult Social
Services": officers, imports' officer matching, admin choices and access are all scoped to
the plan's organisation (see actionplans.permissions).
"""

from django.db import models
from simple_history.models import HistoricalRecords


class Organisation(models.Model):
    name = models.CharField(
        max_length=255, unique=True, help_text="For example Leeds City Council."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
