"""Admin for public notices (公示): read only. Publishing, withdrawing, objections and answers go
through the actions (they notify residents, write the history and the audit log); the admin only
looks."""

from django.contrib import admin

from laoyuan.notices import models as m


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = m.NoticeAttachment
    fields = ["name", "kind", "size", "sha256", "added_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = m.NoticeEvent
    fields = ["at", "kind", "actor", "from_state", "to_state", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(m.Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "target_label", "starts_on", "ends_on", "state"]
    list_filter = ["state", "kind", "target_level"]
    list_select_related = ["community", "compound"]
    search_fields = ["title", "target_label"]
    date_hierarchy = "starts_on"
    raw_id_fields = ["street", "community", "compound", "created_by", "published_by"]
    exclude = ["buildings"]
    inlines = [AttachmentInline, EventInline]


class AnswerInline(admin.TabularInline):
    model = m.ObjectionAnswer
    fields = ["at", "by", "outcome", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(m.Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["notice", "channel", "objector_name", "phone_masked", "received_on", "state"]
    list_filter = ["state", "channel"]
    list_select_related = ["notice"]
    raw_id_fields = ["notice", "author", "resident", "recorded_by"]
    # The sealed text and phone stay out of the admin: reveals go through the logged action.
    exclude = ["text_sealed", "phone_cipher", "phone_index"]
    readonly_fields = ["phone_masked"]  # not editable, so shown only when named
    inlines = [AnswerInline]


@admin.register(m.NoticeClosing)
class NoticeClosingAdmin(ReadOnlyAdmin):
    list_display = ["notice", "closed_at", "objections", "answered", "unresolved"]
    raw_id_fields = ["notice"]
