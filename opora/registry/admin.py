from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from opora.registry.models import (
    ContextIndicator,
    ContextValue,
    Contingent,
    Municipality,
    Region,
    School,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "is_demo"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ["code", "short_name", "school_type", "municipality", "is_small"]
    list_filter = ["municipality__region", "municipality", "school_type", "is_small"]
    search_fields = ["code", "name", "short_name"]
    raw_id_fields = ["parent"]


@admin.register(ContextIndicator)
class ContextIndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "unit", "is_required", "position"]
    list_filter = ["group"]


@admin.register(ContextValue)
class ContextValueAdmin(SimpleHistoryAdmin):
    list_display = ["school", "year", "indicator", "number", "text"]
    list_filter = ["year", "indicator"]
    raw_id_fields = ["school"]


@admin.register(Contingent)
class ContingentAdmin(SimpleHistoryAdmin):
    list_display = ["school", "year", "total"]
    raw_id_fields = ["school"]
