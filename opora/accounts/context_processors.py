from functools import cached_property

from opora.accounts.permissions import curates_schools, manages_accounts, visible_regions
from opora.registry.years import year_in_view, years_in_scope


class YearPicker:
    """The header's academic year select, read only when a page shows the header."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def year(self) -> int:
        return year_in_view(self.user)

    @cached_property
    def years(self) -> list[int]:
        return sorted({*years_in_scope(self.user), self.year}, reverse=True)


def user_scope(request):
    """Header facts: what the user works on and whether it is demo data."""
    # A request refused before AuthenticationMiddleware (400 for an unknown host) has no user.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if user.school_id:
        scope = user.school.short_name
    elif user.municipality_id:
        scope = user.municipality.name
    elif user.region_id:
        scope = user.region.name
    elif curates_schools(user):
        scope = f"закреплённых школ: {user.curated_schools.count()}"
    else:
        scope = "все регионы" if user.is_superuser else ""
    return {
        "scope_label": scope,
        "role_label": user.get_role_display() or ("Администратор" if user.is_superuser else ""),
        "manages_accounts": manages_accounts(user),
        "shows_demo_data": visible_regions(user).filter(is_demo=True).exists(),
        "year_picker": YearPicker(user),
    }
