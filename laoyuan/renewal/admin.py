"""Admin for renewal (老旧小区改造): read only. Every change goes through the actions, which check
the lifecycle's requirements, keep the ledger balanced and append-only, and write the timeline
and the audit log; the admin only lets a superuser look."""

from django.contrib import admin

from laoyuan.renewal import models as m


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["title", "compound", "renewal_class", "item_type", "state", "budget"]
    list_filter = ["state", "renewal_class"]
    list_select_related = ["compound"]
    search_fields = ["title"]
    raw_id_fields = ["compound", "community", "street", "resolution", "from_rating", "created_by"]
    exclude = ["topics", "buildings", "accounts_key"]


@admin.register(m.ProjectEvent)
class ProjectEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "project", "kind", "from_state", "to_state", "actor"]
    list_filter = ["kind"]
    list_select_related = ["project", "actor"]
    raw_id_fields = ["project", "actor"]


@admin.register(m.LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["booked_on", "project", "source", "kind", "debit", "credit", "amount"]
    list_filter = ["kind"]
    list_select_related = ["project", "source"]
    raw_id_fields = ["project", "source", "voucher", "reverses", "share", "created_by"]


@admin.register(m.PaymentRequest)
class PaymentRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "project",
        "payee",
        "amount",
        "state",
        "requested_by",
        "decided_by",
    ]
    list_filter = ["state"]
    list_select_related = ["project", "requested_by", "decided_by"]
    raw_id_fields = ["project", "source", "voucher", "requested_by", "decided_by", "entry"]


@admin.register(m.RectificationItem)
class RectificationItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "compound", "origin", "responsible_party", "deadline", "state"]
    list_filter = ["state", "origin"]
    list_select_related = ["compound"]
    search_fields = ["title", "responsible_party"]
    raw_id_fields = [
        "compound",
        "community",
        "street",
        "project",
        "inspection",
        "rating",
        "topic",
        "created_by",
    ]


@admin.register(m.SupervisionGroup)
class SupervisionGroupAdmin(ReadOnlyAdmin):
    list_display = ["project", "method", "formed_on", "seats", "seed"]
    raw_id_fields = ["project", "created_by"]


@admin.register(m.Checkup)
class CheckupAdmin(ReadOnlyAdmin):
    list_display = ["checked_on", "compound", "inspector"]
    list_select_related = ["compound"]
    raw_id_fields = ["compound", "created_by"]
