from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Inspection, Judgment, Recommendation, Theme
from .resources import RecommendationResource


class JudgmentInline(admin.TabularInline):
    model = Judgment
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "inspectorate", "organisation", "published_on", "rating"]
    list_filter = ["organisation", "inspectorate"]
    search_fields = ["title", "organisation__name", "service"]
    list_select_related = ["organisation"]
    inlines = [JudgmentInline]


@admin.register(Judgment)
class JudgmentAdmin(SimpleHistoryAdmin):
    list_display = ["area", "grade", "inspection"]
    list_filter = ["inspection", "grade"]
    search_fields = ["area", "grade"]


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "inspection"]
    list_filter = ["inspection"]
    search_fields = ["title"]


@admin.register(Recommendation)
class RecommendationAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [RecommendationResource]
    list_display = ["number", "short_text", "theme", "judgment", "inspection"]
    list_filter = ["inspection", "theme", "judgment"]
    list_select_related = ["theme", "judgment", "inspection__organisation"]
    search_fields = ["number", "text"]
    ordering = ["inspection", "sort_key"]

    @admin.display(description="Text")
    def short_text(self, obj: Recommendation) -> str:
        return obj.text[:100]
