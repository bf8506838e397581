from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from opora.risks.models import (
    CuratorAssignment,
    JointPlanItem,
    Notification,
    Partnership,
    ProgramTemplate,
    Question,
    RiskFactor,
    RiskProfile,
    Visit,
)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = [
        "position",
        "code",
        "text",
        "answer_type",
        "auto_source",
        "higher_is_worse",
        "medium_at",
        "high_at",
        "risky_answer",
    ]


@admin.register(RiskFactor)
class RiskFactorAdmin(SimpleHistoryAdmin):
    """The region confirms wording and tunes the level rule here; every change is kept."""

    list_display = [
        "title",
        "scope",
        "valid_from",
        "valid_to",
        "to_confirm",
        "medium_from",
        "high_from",
    ]
    list_filter = ["scope", "to_confirm"]
    inlines = [QuestionInline]


@admin.register(ProgramTemplate)
class ProgramTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["factor", "source"]


@admin.register(RiskProfile)
class RiskProfileAdmin(SimpleHistoryAdmin):
    list_display = ["school", "year", "status"]
    list_filter = ["status", "year", "school__municipality"]


@admin.register(CuratorAssignment)
class CuratorAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["school", "curator", "kind", "assigned_on", "ended_on"]
    list_filter = ["kind", "school__municipality"]


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = ["date", "school", "curator", "kind"]


class PlanInline(admin.TabularInline):
    model = JointPlanItem
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ["leader", "partner", "year"]
    inlines = [PlanInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created", "user", "text", "read_at"]
