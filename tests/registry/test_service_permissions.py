"""The registry services check their user themselves: called directly (as a command, the API or
a background job would) by someone out of scope or with read-only rights, each refuses and
changes nothing. The console operator (user None) works with the whole database."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from opora.registry.models import ContextValue, Contingent, School
from opora.registry.services import school_context_save, school_registry_import, school_update

pytestmark = pytest.mark.django_db

REGISTRY = (
    "school_code,school_name,school_type,municipality_code,municipality_name,region_name\n"
    "a2,МОУ «Гимназия г. Альфа» (переименована),гимназия,mun-a,Район А,Тестовая область\n"
)


def _state():
    return {
        "schools": sorted(School.objects.values_list("code", "name", "short_name", "address")),
        "contingents": sorted(Contingent.objects.values_list("school__code", "year", "total")),
        "context": ContextValue.objects.count(),
    }


def _update(user, school):
    return school_update(
        user=user, school=school, values={"name": "Подменённое имя", "address": "где-то"}
    )


def _context(user, school):
    return school_context_save(
        user=user,
        school=school,
        year=2023,
        contingent={"total": 999},
        values={"teachers_total": Decimal(1)},
    )


@pytest.mark.parametrize("write", [_update, _context])
@pytest.mark.parametrize(
    "outsider", ["methodist_a", "curator_a1", "observer_b", "coordinator_b", "school_team_a1"]
)
def test_a_school_is_changed_only_by_who_edits_it(cast, school_a2, write, outsider):
    """A2 is edited by its municipality's coordinator and the region: not by the methodist or
    the curator of its municipality, an observer or the coordinator of another, nor by the
    team of another school."""
    before = _state()
    with pytest.raises(PermissionDenied):
        write(cast[outsider], school_a2)
    assert _state() == before


def test_a_read_only_role_may_not_import_the_registry(cast, school_a2):
    before = _state()
    for outsider in ("methodist_a", "observer_b", "curator_a1", "school_team_a1"):
        with pytest.raises(PermissionDenied):
            school_registry_import(
                content=REGISTRY.encode(), filename="r.csv", imported_by=cast[outsider]
            )
    assert _state() == before


def test_the_coordinator_the_school_team_and_the_console_edit_their_school(cast, school_a1):
    _update(cast["coordinator_a"], school_a1)
    _context(cast["school_team_a1"], school_a1)
    school_update(user=None, school=school_a1, values={"short_name": "СОШ Альфа"})
    school_a1.refresh_from_db()
    assert (school_a1.name, school_a1.short_name) == ("Подменённое имя", "СОШ Альфа")
    assert school_a1.contingents.get(year=2023).total == 999
