from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from opora.meetings.models import AgendaItem, Decision, Meeting, Member, WorkingGroup


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0


@admin.register(WorkingGroup)
class WorkingGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "municipality", "order"]
    list_filter = ["municipality"]
    inlines = [MemberInline]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "group", "status", "revision"]
    list_filter = ["status", "group__municipality"]


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "meeting", "vote_kind"]


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "owner_text", "deadline_text", "due_on", "status"]
    list_filter = ["status"]
    search_fields = ["text", "owner_text"]
