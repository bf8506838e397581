from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from opora.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "last_name",
        "first_name",
        "role",
        "region",
        "municipality",
        "school",
    ]
    list_filter = ["role", "region", "municipality"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            "Роль и область работы",
            {"fields": ["role", "position", "region", "municipality", "school", "curated_schools"]},
        ),
    ]
    filter_horizontal = ["curated_schools", *BaseUserAdmin.filter_horizontal]
    raw_id_fields = ["school"]
