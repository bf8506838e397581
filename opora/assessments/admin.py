from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from opora.assessments.models import (
    Assessment,
    ImportBatch,
    ReferenceResult,
    ResultImportJob,
    SchoolResult,
    Subject,
)


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "aliases", "position"]


@admin.register(ReferenceResult)
class ReferenceResultAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "assessment", "year", "participants", "share_2", "share_5"]
    list_filter = ["year", "level", "assessment__kind"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["kind", "subject", "grade"]
    list_filter = ["kind", "grade"]


@admin.register(SchoolResult)
class SchoolResultAdmin(SimpleHistoryAdmin):
    list_display = [
        "school",
        "assessment",
        "year",
        "participants",
        "mark_2",
        "mark_3",
        "mark_4",
        "mark_5",
    ]
    list_filter = ["year", "assessment__kind"]
    search_fields = ["school__code", "school__short_name"]
    raw_id_fields = ["school", "import_batch"]


@admin.register(ResultImportJob)
class ResultImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "created_by", "created_at", "status", "progress"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ResultImportJob._meta.fields]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Where results came from: kept as loaded, never edited."""

    list_display = ["filename", "source_format", "created_by", "created_at", "created", "updated"]
    list_filter = ["source_format"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]
