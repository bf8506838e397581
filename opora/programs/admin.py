from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from opora.programs.models import (
    Activity,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Order,
    Program,
)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["__str__", "issuer", "title", "region"]
    list_filter = ["region"]
    search_fields = ["number", "title", "issuer"]


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "level", "municipality", "status"]
    list_filter = ["kind", "status", "municipality"]
    search_fields = ["name"]


class TargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "program", "unit", "scope"]
    list_filter = ["program__municipality", "unit"]
    search_fields = ["name", "number"]
    inlines = [TargetInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "measured_on", "value", "entered_by"]


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["number", "text", "program", "period", "ends_on", "status"]
    list_filter = ["status", "program__municipality"]
    search_fields = ["text", "responsible"]
    filter_horizontal = ["schools"]
