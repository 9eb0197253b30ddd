"""Admin for residents' voices (社情民意) and topics (议题): read only. Voices and topics change only
through the actions (which keep the timeline and the audit log), so the admin shows, never
edits; a voice is shown by its redacted text (no phone or ID numbers), photos and uploaded
sheets stay sealed and are not offered here."""

from django.contrib import admin

from laoyuan.voices import models as m


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.Voice)
class VoiceAdmin(ReadOnlyAdmin):
    list_display = ["pk", "short_text", "compound", "channel", "said_on", "category", "topic"]
    list_filter = ["channel", "category_source", "anonymous"]
    list_select_related = ["compound", "topic"]
    search_fields = ["text_redacted"]
    date_hierarchy = "said_on"
    # The text as given is kept sealed (it may hold a phone number): only the redacted copy shows.
    exclude = ["text_sealed"]
    raw_id_fields = [
        "compound",
        "community",
        "street",
        "building",
        "resident",
        "author",
        "recorded_by",
        "topic",
        "import_batch",
    ]

    @admin.display(description="内容（已去除号码）")
    def short_text(self, voice: m.Voice) -> str:
        return voice.text_redacted[:40]


class TopicEventInline(admin.TabularInline):
    model = m.TopicEvent
    fk_name = "topic"
    fields = ["at", "actor", "kind", "from_state", "to_state", "other_topic", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(m.Topic)
class TopicAdmin(ReadOnlyAdmin):
    list_display = ["pk", "title", "compound", "category", "state", "deadline", "updated_at"]
    list_filter = ["state", "category"]
    list_select_related = ["compound"]
    search_fields = ["title"]
    raw_id_fields = ["compound", "community", "street", "merged_into", "created_by"]
    inlines = [TopicEventInline]


@admin.register(m.TopicEvent)
class TopicEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "topic", "kind", "from_state", "to_state", "actor"]
    list_filter = ["kind"]
    list_select_related = ["topic", "actor"]
    raw_id_fields = ["topic", "actor", "other_topic"]


@admin.register(m.VoicePhoto)
class VoicePhotoAdmin(ReadOnlyAdmin):
    list_display = ["pk", "voice", "width", "height", "created_at"]
    list_select_related = ["voice"]
    exclude = ["image"]  # sealed; seen only through the scoped photo view
    raw_id_fields = ["voice"]


@admin.register(m.CategoryCorrection)
class CategoryCorrectionAdmin(ReadOnlyAdmin):
    list_display = ["at", "street", "proposed_category", "category", "subcategory", "by"]
    list_filter = ["category"]
    list_select_related = ["street", "by"]
    raw_id_fields = ["voice", "street", "by"]


@admin.register(m.StreetTaxonomy)
class StreetTaxonomyAdmin(ReadOnlyAdmin):
    list_display = ["street", "version", "updated_by", "updated_at"]
    list_select_related = ["street", "updated_by"]
    raw_id_fields = ["street", "updated_by"]


class RowErrorInline(admin.TabularInline):
    model = m.VoiceImportRowError
    fields = ["row_number", "problems"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(m.VoiceImport)
class VoiceImportAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "compound",
        "kind",
        "original_name",
        "status",
        "rows_read",
        "rows_valid",
        "rows_rejected",
        "created_by",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["compound", "created_by"]
    exclude = ["original"]  # the sealed sheet is downloaded from the import page, with its log
    raw_id_fields = ["compound", "created_by", "committed_by"]
    inlines = [RowErrorInline]
