"""Admin for case work (工单): read only. Cases, their timelines, parties and service levels
change only through the actions (which keep the timeline and the audit log and check who may),
so the admin shows, never edits; phones show masked, the reporter's sealed words not at all."""

from django.contrib import admin

from laoyuan.cases import models as m


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CaseEventInline(ReadOnlyInline):
    model = m.CaseEvent
    fields = ["at", "kind", "from_state", "to_state", "actor", "party", "note", "on_time"]
    readonly_fields = fields


@admin.register(m.Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["request_id", "title", "compound", "category", "party", "state", "level"]
    list_filter = ["state", "level", "source"]
    list_select_related = ["compound", "category", "party"]
    search_fields = ["request_id", "title"]
    date_hierarchy = "opened_at"
    exclude = ["description_sealed", "reporter_phone_cipher", "reporter_phone_index"]
    raw_id_fields = [
        "category",
        "compound",
        "community",
        "street",
        "building",
        "voice",
        "topic",
        "decision",
        "reporter_resident",
        "reporter_account",
        "created_by",
        "party",
    ]
    inlines = [CaseEventInline]


class ContactInline(ReadOnlyInline):
    model = m.PartyContact
    fields = ["name", "post", "phone_masked", "is_active"]
    readonly_fields = fields


@admin.register(m.Party)
class PartyAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "street", "community", "compound", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["street", "community", "compound", "created_by"]
    inlines = [ContactInline]


@admin.register(m.Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ["code", "group", "name", "accept_seconds", "respond_seconds", "solve_seconds"]
    list_filter = ["group", "usual_party_kind"]
    search_fields = ["code", "name"]


@admin.register(m.ServiceLevel)
class ServiceLevelAdmin(ReadOnlyAdmin):
    list_display = ["street", "category", "accept_seconds", "respond_seconds", "solve_seconds"]
    list_select_related = ["street", "category"]


@admin.register(m.SupervisionNotice)
class SupervisionNoticeAdmin(ReadOnlyAdmin):
    list_display = ["number", "case", "party", "issued_at", "due_at", "answered_at"]
    raw_id_fields = ["case", "party", "issued_by", "answered_by"]
