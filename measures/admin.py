"""The measures in Django's admin: for the site's administrators, beside the pages where
coordinators define measures (measures.views) and leads enter actuals (the update form)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actionplans.models import Measure, MeasureTarget, MeasureValue


class MeasureTargetInline(admin.TabularInline):
    model = MeasureTarget
    extra = 0
    fields = ["label", "value", "due"]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "plan", "unit", "higher_is_better", "baseline_value"]
    list_filter = ["plan", "unit"]
    list_select_related = ["plan"]
    search_fields = ["name", "source"]
    ordering = ["plan", "order", "name"]
    # Searched rather than listed: an installation holds every plan's items.
    autocomplete_fields = ["plan", "actions", "milestones"]
    inlines = [MeasureTargetInline]


@admin.register(MeasureValue)
class MeasureValueAdmin(SimpleHistoryAdmin):
    """Actuals, read only: each belongs to a month's update and is frozen with the month
    at its close, so it is entered and corrected on the update pages, not here."""

    list_display = ["measure", "period", "value", "entered_by", "entered_at"]
    list_filter = ["measure__plan"]
    list_select_related = ["measure", "period", "entered_by"]
    search_fields = ["measure__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
