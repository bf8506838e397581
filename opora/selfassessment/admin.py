from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from opora.selfassessment.models import Answer, CriteriaSet, Criterion, SelfAssessment


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "region"]
    inlines = [CriterionInline]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["municipality", "year", "status"]
    list_filter = ["status", "year"]
    inlines = [AnswerInline]
