"""Admin for Open311 submissions: read only (they are written once, by the action)."""

from django.contrib import admin

from laoyuan.open311.models import Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["pk", "case", "jurisdiction", "located_by", "submitted_by", "created_at"]
    list_filter = ["located_by"]
    list_select_related = ["case", "submitted_by"]
    search_fields = ["case__request_id", "account_id"]
    raw_id_fields = ["case", "token", "submitted_by"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
