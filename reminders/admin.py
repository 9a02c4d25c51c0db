from django.contrib import admin

from .models import SentReminder


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    """The sent-log, to answer "was I reminded?". Read-only: rows are the run's claims."""

    list_display = ["recipient", "kind", "step", "plan", "month", "sent_at", "attempts"]
    list_filter = ["kind", "plan", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient"]
    date_hierarchy = "claimed_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
