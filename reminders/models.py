"""The sent-log: one row per reminder claimed for a person, plan, month and step.

The unique constraint is what makes sending idempotent: a run claims a reminder by
inserting its row, and a second run (or a second machine) that tries the same insert
is refused by the database, so it never sends that reminder again.
"""

from django.conf import settings
from django.db import models

from actionplans.models import ActionPlan, Officer


class SentReminder(models.Model):
    class Kind(models.TextChoices):
        LEAD = "lead", "Lead's digest"
        CHIEF = "chief", "Chief officer's digest"
        COORDINATOR = "coordinator", "Coordinator's digest"
        MANUAL = "manual", "Reminder sent by a coordinator"

    recipient = models.EmailField(help_text="The address the digest goes to.")
    officer = models.ForeignKey(
        Officer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    month = models.DateField(help_text="The first day of the month reported on.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # A calendar.Step value; for a coordinator's "remind now", the day (YYYY-MM-DD).
    step = models.CharField(max_length=20)
    sent_on = models.DateField(help_text="The day the run that claimed it was for.")
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A message that had nothing left to ask by the time it was sent is not sent.
    skipped = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The coordinator who asked for a reminder now.",
    )

    class Meta:
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "plan", "month", "kind", "step"],
                name="reminder_sent_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient} – {self.step}"
