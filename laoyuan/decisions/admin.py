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


# --- owners' votes (业主表决) -----------------------------------------------------------------
# Rule sets are data a city edits (a district's local rules); everything of a vote itself is
# read only: its rows are chained, and only the actions write them.


class MatterRuleInline(admin.TabularInline):
    model = m.MatterRule
    extra = 0
    fields = [
        "matter",
        "binding",
        "quorum_area_num",
        "quorum_area_den",
        "quorum_owners_num",
        "quorum_owners_den",
        "quorum_strict",
        "pass_area_num",
        "pass_area_den",
        "pass_owners_num",
        "pass_owners_den",
        "pass_strict",
        "citation",
    ]


@admin.register(m.RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "district", "valid_from", "assembly_notice_days"]
    raw_id_fields = ["district"]
    inlines = [MatterRuleInline]

    def has_delete_permission(self, request, obj=None):
        # A rule set some vote was counted by stays: the vote refers to it.
        return obj is None or not obj.votes.exists()


class VoteEventInline(admin.TabularInline):
    model = m.VoteEvent
    fields = ["seq", "at", "kind", "from_status", "to_status", "actor", "note", "hash"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(m.Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["title", "compound", "matter", "status", "opens_at", "closes_at", "passed"]
    list_filter = ["status", "matter"]
    list_select_related = ["compound"]
    search_fields = ["title"]
    raw_id_fields = ["compound", "community", "street", "meeting", "resolution", "created_by"]
    exclude = ["buildings"]
    inlines = [VoteEventInline]


@admin.register(m.Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ["vote", "seq", "at", "person", "channel", "ballot_number", "cast_by"]
    list_filter = ["channel"]
    list_select_related = ["vote", "person", "cast_by"]
    # The choice is not listed: an organiser reads it on the result after the close.
    exclude = ["choice", "scan"]
    raw_id_fields = ["vote", "person", "owner", "proxy", "cast_by", "replaces"]
