"""Officers (a council's leads and chief officers) and users' roles on plans."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from organisations.models import Organisation

from .plans import ActionPlan


class OfficerQuerySet(models.QuerySet):
    def for_user(self, user) -> "Officer | None":
        """The officer record of a signed-in user, or None."""
        if not getattr(user, "is_authenticated", False):
            return None
        return self.filter(user=user).first()

    def in_organisation(self, organisation_id: int) -> "OfficerQuerySet":
        return self.filter(organisation_id=organisation_id)


class Officer(models.Model):
    """A lead or chief officer of one council. Chief officers are often only a role
    ("Director of ..."), which every council has: so an officer is only ever matched,
    chosen or given access within their own organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="officers"
    )
    name = models.CharField(max_length=150, blank=True)
    role_title = models.CharField(max_length=255, blank=True)
    initials = models.CharField(max_length=10, blank=True)
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officer",
    )

    objects = OfficerQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "role_title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="") | ~Q(role_title=""),
                name="officer_has_name_or_role",
            ),
            models.UniqueConstraint(
                fields=["organisation", "name", "role_title", "initials"],
                name="officer_unique_identity_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        if self.name and self.role_title:
            return f"{self.name} ({self.role_title})"
        if self.initials:
            return f"{self.role_title} - {self.initials}"
        return self.name or self.role_title

    def clean(self) -> None:
        """A user belongs to one council: an officer's user has no role elsewhere."""
        if not (self.user_id and self.organisation_id):
            return
        elsewhere = PlanMembership.objects.filter(user_id=self.user_id).exclude(
            plan__inspection__organisation_id=self.organisation_id
        )
        if elsewhere.exists():
            raise ValidationError(
                {"user": "This user has a role on another council's plans."}
            )


class PlanMembership(models.Model):
    """A user's role on one plan. Leads and chief officers are known from the actions instead."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", "Plan coordinator"
        VIEWER = "viewer", "Board viewer"

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="plan_memberships",
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "user", "role"], name="membership_unique_role_per_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.plan}"

    def clean(self) -> None:
        """A user belongs to one council: their officer record's, or their plans'."""
        if not (self.plan_id and self.user_id):
            return
        council = self.plan.organisation
        officer = Officer.objects.filter(user_id=self.user_id).first()
        if officer is not None and officer.organisation_id != council.pk:
            raise ValidationError(
                {
                    "user": f"{self.user} is an officer of {officer.organisation}, "
                    f"not of {council}."
                }
            )
        elsewhere = (
            PlanMembership.objects.filter(user_id=self.user_id)
            .exclude(plan__inspection__organisation=council)
            .select_related("plan__inspection__organisation")
            .first()
        )
        if elsewhere is not None:
            raise ValidationError(
                {
                    "user": f"{self.user} already has a role on "
                    f"{elsewhere.plan.organisation}'s plans, not {council}'s."
                }
            )
