from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from opora.identification.models import IdentificationRun, RuleSet


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    """Rule sets are versioned: a saved version is never edited; save it as a new one. Built-in
    rules (no region, no municipality) are read-only: the migrations define them for everyone."""

    list_display = ["code", "version", "title", "kind", "category", "region", "municipality"]
    list_filter = ["kind", "region"]
    save_as = True

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_built_in:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # A version that runs have used keeps its parameters: the runs must stay reproducible.
        if obj is not None and obj.runs.exists():
            return ["code", "version", "kind", "params"]
        return []


@admin.register(IdentificationRun)
class IdentificationRunAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "rule_set", "year", "status", "flagged_count", "created_at"]
    list_filter = ["status", "year", "region"]
    readonly_fields = [f.name for f in IdentificationRun._meta.fields]
