from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from opora.staff.models import (
    AtRiskFigure,
    Course,
    Deficit,
    Diagnostic,
    MentoringPair,
    MethodicalAssociation,
    MethodicalEvent,
    Route,
    RouteTemplate,
    Teacher,
)


@admin.register(Teacher)
class TeacherAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "school", "position", "category", "workload"]
    list_filter = ["school__municipality", "category", "is_young_specialist"]
    search_fields = ["full_name", "personnel_number"]


@admin.register(Deficit)
class DeficitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "area"]


admin.site.register(Diagnostic, SimpleHistoryAdmin)
admin.site.register(Course, SimpleHistoryAdmin)
admin.site.register(Route, SimpleHistoryAdmin)
admin.site.register(RouteTemplate)
admin.site.register(MentoringPair, SimpleHistoryAdmin)
admin.site.register(MethodicalAssociation)
admin.site.register(MethodicalEvent, SimpleHistoryAdmin)
admin.site.register(AtRiskFigure, SimpleHistoryAdmin)
