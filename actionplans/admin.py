from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import onboarding
from .models import (
    Action,
    ActionPlan,
    Amendment,
    Milestone,
    Officer,
    PlanMembership,
    ProgressUpdate,
    ReportingPeriod,
    StatusOption,
)
from .resources import ActionResource, MilestoneResource, OfficerResource


class OverdueFilter(admin.SimpleListFilter):
    """Overdue by the rule every page and report uses (actionplans.models.DatedUnit)."""

    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [
            ("month", "At the end of the plan's current month"),
            ("today", "Today"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "month":
            return queryset.overdue_in_current_periods()
        if self.value() == "today":
            return queryset.overdue(on=timezone.localdate())
        return queryset


class _OneCouncilForm(forms.ModelForm):
    """Officers chosen for an action or milestone must be officers of the plan's council.

    The admin's officer search lists every council's officers (it cannot know the plan),
    so the choice is checked here, with a message, before the database guard refuses it.
    """

    officer_fields: tuple[str, ...] = ()

    def _plan(self) -> ActionPlan | None:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        plan = self._plan()
        if plan is None:
            return data
        for name in self.officer_fields:
            strangers = [
                str(officer)
                for officer in data.get(name) or []
                if officer.organisation_id != plan.organisation_id
            ]
            if strangers:
                self.add_error(
                    name,
                    f"Not an officer of {plan.organisation}: {', '.join(strangers)}. "
                    "Choose the council's own officer.",
                )
        return data


class ActionAdminForm(_OneCouncilForm):
    officer_fields = ("leads", "chief_officers")

    def _plan(self) -> ActionPlan | None:
        return self.cleaned_data.get("plan")


class MilestoneAdminForm(_OneCouncilForm):
    officer_fields = ("leads",)

    def _plan(self) -> ActionPlan | None:
        action = self.cleaned_data.get("action") or getattr(
            self.instance, "action", None
        )
        return action.plan if action is not None else None


class StatusOptionInline(admin.TabularInline):
    model = StatusOption
    extra = 0


class MembershipInline(admin.TabularInline):
    model = PlanMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(ActionPlan)
class ActionPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "owner", "status", "inspection"]
    list_filter = ["status"]
    search_fields = ["title", "owner", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [StatusOptionInline, MembershipInline]


@admin.register(StatusOption)
class StatusOptionAdmin(SimpleHistoryAdmin):
    list_display = ["label", "meaning", "counts_as_complete", "plan", "order"]
    list_filter = ["plan"]


@admin.register(Officer)
class OfficerAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [OfficerResource]
    list_display = ["name", "role_title", "initials", "organisation", "email", "user"]
    search_fields = ["name", "role_title", "initials", "email", "organisation__name"]
    list_filter = ["organisation", ("user", admin.EmptyFieldListFilter)]
    list_select_related = ["organisation", "user"]
    autocomplete_fields = ["user"]
    change_form_template = "admin/actionplans/officer/change_form.html"

    class AccountForm(forms.Form):
        """The address a new sign-in is made for; the service checks the rest."""

        email = forms.EmailField(
            label="Email",
            max_length=254,
            widget=forms.EmailInput(attrs={"class": "vTextField"}),
            help_text="Their username, where the link to choose a password goes, and "
            "where reminders go: the officer's email is set to it.",
        )

    def get_urls(self):
        create = path(
            "<path:object_id>/account/",
            self.admin_site.admin_view(
                require_http_methods(["GET", "HEAD", "POST"])(self.account_create_view)
            ),
            name="actionplans_officer_account_create",
        )
        return [create, *super().get_urls()]

    def has_account_create_permission(self, request, officer: Officer) -> bool:
        """Giving a sign-in adds a user and changes the officer."""
        return request.user.has_perm("auth.add_user") and self.has_change_permission(
            request, officer
        )

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        officer = kwargs.get("obj")
        if officer is not None:
            context.update(self._account_tools(request, officer))
        return super().render_change_form(request, context, add, change, **kwargs)

    def _account_tools(self, request, officer: Officer) -> dict:
        """The officer page's sign-in button, or the user they sign in as."""
        user = officer.user
        if user is not None:
            may_view = request.user.has_perm("auth.view_user") or request.user.has_perm(
                "auth.change_user"
            )
            return {
                "account_user": user,
                "account_user_url": (
                    reverse("admin:auth_user_change", args=[user.pk])
                    if may_view
                    else None
                ),
            }
        offered = self.has_account_create_permission(request, officer)
        try:
            onboarding.officer_account_check(officer=officer, by=request.user)
        except ValidationError:
            offered = False  # another council's officer: no button to be refused by
        return {
            "account_create_url": (
                reverse("admin:actionplans_officer_account_create", args=[officer.pk])
                if offered
                else None
            )
        }

    def account_create_view(self, request, object_id: str):
        """Confirm the email, then create the officer's user and send the link."""
        officer = self.get_object(request, unquote(object_id))
        if officer is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_account_create_permission(request, officer):
            raise PermissionDenied
        change_url = reverse("admin:actionplans_officer_change", args=[officer.pk])
        try:
            onboarding.officer_account_check(officer=officer, by=request.user)
        except ValidationError as error:
            refusal, form = error.messages[0], None
        else:
            refusal = None
            form = self.AccountForm(
                request.POST if request.method == "POST" else None,
                initial={"email": officer.email},
            )
        if form is not None and form.is_valid():
            try:
                account = onboarding.officer_account_create(
                    officer=officer, email=form.cleaned_data["email"], by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                user = account.user
                self.log_change(request, officer, f"Created sign-in account {user}.")
                self.message_user(
                    request,
                    f"{officer} now signs in as {user.get_username()}. An email with "
                    f"a link to choose a password is on its way to {user.email}.",
                    messages.SUCCESS,
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Create a sign-in account for {officer}",
            "opts": self.opts,
            "original": officer,
            "form": form,
            "refusal": refusal,
            "plans": onboarding.officer_plans(officer=officer),
            "change_url": change_url,
            "expires_in": onboarding.set_password_link_lifetime(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/actionplans/officer/account_create.html", context
        )


@admin.register(PlanMembership)
class PlanMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "plan"]
    list_filter = ["plan", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


# The agreed values change only through the amendments register, which keeps the
# baseline and records who, when and why: the admin shows them but does not edit them.
AGREED_FIELDS = [
    "text",
    "success_criteria",
    "plan_start",
    "plan_finish",
    "plan_start_text",
    "plan_finish_text",
    "leads",
]


class AgreedValuesReadOnly:
    agreed_fields = AGREED_FIELDS

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + self.agreed_fields if obj is not None else readonly


class MilestoneInline(AgreedValuesReadOnly, admin.StackedInline):
    model = Milestone
    form = MilestoneAdminForm
    extra = 0
    autocomplete_fields = ["leads"]
    fields = [
        ("label", "order"),
        "text",
        "success_criteria",
        ("plan_start", "plan_finish", "actual_finish"),
        ("plan_start_text", "plan_finish_text", "actual_finish_text"),
        "leads",
    ]


@admin.register(Action)
class ActionAdmin(AgreedValuesReadOnly, ImportExportModelAdmin, SimpleHistoryAdmin):
    agreed_fields = [*AGREED_FIELDS, "chief_officers"]
    form = ActionAdminForm
    resource_classes = [ActionResource]
    list_display = [
        "number",
        "short_text",
        "plan",
        "plan_start",
        "plan_finish",
        "actual_finish",
    ]
    list_filter = [
        "plan",
        ("updates__status", admin.RelatedOnlyFieldListFilter),
        ("leads", admin.RelatedOnlyFieldListFilter),
        ("chief_officers", admin.RelatedOnlyFieldListFilter),
        OverdueFilter,
    ]
    search_fields = ["number", "text", "aim", "success_criteria"]
    ordering = ["plan", "sort_key"]
    autocomplete_fields = [
        "leads",
        "chief_officers",
        "recommendations",
        "cross_references",
    ]
    inlines = [MilestoneInline]

    @admin.display(description="Action")
    def short_text(self, obj: Action) -> str:
        return obj.text[:100]


@admin.register(Milestone)
class MilestoneAdmin(AgreedValuesReadOnly, ImportExportModelAdmin, SimpleHistoryAdmin):
    form = MilestoneAdminForm
    resource_classes = [MilestoneResource]
    list_display = [
        "__str__",
        "short_text",
        "plan_start",
        "plan_finish",
        "actual_finish",
    ]
    list_filter = [
        "action__plan",
        ("leads", admin.RelatedOnlyFieldListFilter),
        OverdueFilter,
    ]
    search_fields = ["action__number", "text", "success_criteria"]
    list_select_related = ["action"]
    autocomplete_fields = ["action", "leads"]

    @admin.display(description="Success criterion")
    def short_text(self, obj: Milestone) -> str:
        return (obj.text or obj.success_criteria)[:100]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "state", "closed_at"]
    list_filter = ["plan", "state"]
    date_hierarchy = "month"


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "status",
        "direction",
        "workflow_state",
        "author",
        "updated_at",
    ]
    list_filter = [
        "period__plan",
        ("status", admin.RelatedOnlyFieldListFilter),
        "direction",
        "workflow_state",
        ("action__leads", admin.RelatedOnlyFieldListFilter),
        ("action__chief_officers", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["action__number", "milestone__action__number", "progress", "risk"]
    list_select_related = ["period", "status", "action", "milestone__action", "author"]
    raw_id_fields = ["action", "milestone"]


@admin.register(Amendment)
class AmendmentAdmin(SimpleHistoryAdmin):
    """The register, read only: requests and decisions are made on its pages, where an
    approval changes the plan and records what it changed."""

    list_display = [
        "__str__",
        "plan",
        "decision",
        "board",
        "decided_on",
        "in_force_from",
    ]
    list_filter = ["plan", "kind", "decision"]
    list_select_related = ["plan", "period", "action", "milestone__action"]
    search_fields = ["reason", "action__number", "board"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
