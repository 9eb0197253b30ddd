from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from laoyuan.core.actions import calendar_day_remove, calendar_day_set
from laoyuan.core.models import ApiToken, AuditEvent, CalendarDay, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    raw_id_fields = [
        "district",
        "street",
        "community",
        "compound",
        "building",
        "grid",
        "household",
        "party",
        "resident",
    ]


@admin.register(User)
class LaoyuanUserAdmin(UserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "display_name", "is_active", "is_staff"]
    fieldsets = (*UserAdmin.fieldsets, ("老院", {"fields": ["display_name"]}))


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id"]
    list_select_related = ["actor"]

    # The audit log is append-only, in the admin as everywhere.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "secret_hash", "last_used_at"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """A year's holidays and 调休 days, entered when the State Council publishes them. Saves
    and deletions go through the actions, so each is audited and reaches every process."""

    list_display = ["day", "is_workday", "name", "entered_by", "updated_at"]
    list_filter = ["is_workday"]
    date_hierarchy = "day"
    fields = ["day", "is_workday", "name"]

    def save_model(self, request, obj, form, change):
        saved = calendar_day_set(
            actor=request.user, day=obj.day, is_workday=obj.is_workday, name=obj.name
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        calendar_day_remove(actor=request.user, day=obj.day)

    def delete_queryset(self, request, queryset):
        for day in queryset.values_list("day", flat=True):
            calendar_day_remove(actor=request.user, day=day)
