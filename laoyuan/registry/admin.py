"""Admin for the registry. Personal data shows masked here too; the staff pages are the real
interface, so the admin edits only the plain fields."""

from django.contrib import admin

from laoyuan.registry import models as m


@admin.register(m.District, m.Street, m.Community)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(m.Compound)
class CompoundAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "community", "year_built", "is_old", "property_mode"]
    list_filter = ["property_mode", "is_old"]
    search_fields = ["code", "name"]
    list_select_related = ["community"]
    raw_id_fields = ["community"]


@admin.register(m.Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["compound", "number", "floors", "head"]
    raw_id_fields = ["compound", "head"]
    list_select_related = ["compound", "head"]


@admin.register(m.Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["compound", "name", "worker", "group_head"]
    raw_id_fields = ["compound", "worker", "group_head"]
    list_select_related = ["compound", "worker", "group_head"]


@admin.register(m.Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["__str__", "compound", "area", "area_source"]
    raw_id_fields = ["building", "entrance", "compound"]
    list_select_related = ["building", "entrance", "compound"]


@admin.register(m.Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["__str__", "compound", "grid", "is_active"]
    raw_id_fields = ["unit", "compound", "building", "grid"]
    list_select_related = ["unit__building", "unit__entrance", "compound", "grid"]


@admin.register(m.Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ["name", "sex", "birth_date", "id_number_masked", "phone_masked", "compound"]
    readonly_fields = ["id_number_masked", "phone_masked"]
    exclude = ["id_number_cipher", "id_number_index", "phone_cipher", "phone_index"]
    raw_id_fields = ["household", "compound"]
    search_fields = ["name"]
    list_select_related = ["compound"]


@admin.register(m.Owner)
class OwnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "id_number_masked", "compound"]
    readonly_fields = ["id_number_masked", "phone_masked"]
    exclude = ["id_number_cipher", "id_number_index", "phone_cipher", "phone_index"]
    raw_id_fields = ["compound", "resident"]
    list_select_related = ["compound"]


@admin.register(m.Ownership)
class OwnershipAdmin(admin.ModelAdmin):
    list_display = ["unit", "owner", "share"]
    raw_id_fields = ["unit", "owner"]


@admin.register(m.ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Read-only: batches change only through the roster import's actions (and its audit)."""

    list_display = [
        "pk",
        "compound",
        "original_name",
        "status",
        "rows_read",
        "rows_valid",
        "rows_rejected",
        "created_by",
        "created_at",
    ]
    list_filter = ["status"]
    list_select_related = ["compound", "created_by"]
    exclude = ["original"]  # the sealed file is downloaded from the import page, with its log

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
