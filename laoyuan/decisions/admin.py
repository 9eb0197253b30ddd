"""Admin for meetings (会议) and their decisions (决定): read only, since a decision also moves its
topic and tells its authors, which only the actions do."""

from django.contrib import admin

from laoyuan.decisions import models as m


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttendeeInline(admin.TabularInline):
    model = m.Attendee
    fields = ["name", "kind", "organisation"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DecisionInline(admin.TabularInline):
    model = m.Decision
    fields = ["topic", "responsible_party", "solution", "deadline", "decided_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(m.Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["held_on", "title", "kind", "compound", "place", "created_by"]
    list_filter = ["kind"]
    list_select_related = ["compound", "created_by"]
    search_fields = ["title", "place"]
    date_hierarchy = "held_on"
    raw_id_fields = ["compound", "community", "street", "created_by"]
    exclude = ["topics"]
    inlines = [AttendeeInline, DecisionInline]


@admin.register(m.Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "topic", "responsible_party", "deadline", "decided_by"]
    list_select_related = ["meeting", "topic", "decided_by"]
    search_fields = ["responsible_party", "solution"]
    raw_id_fields = ["meeting", "topic", "decided_by"]
