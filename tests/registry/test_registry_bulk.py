"""The registry import's write side: one plan for the preview and the write, set-based upserts
with complete history, and nothing changed when the write fails halfway."""

from unittest import mock

import pytest
from django.core.management import call_command

from opora import bulk
from opora.registry.models import Municipality, School
from opora.registry.services import school_registry_import
from tests.registry.test_registry_import import GOOD

pytestmark = pytest.mark.django_db

CHANGED = GOOD.replace("СОШ п. Знаменский,9", "СОШ пос. Знаменский,12") + (
    "iv-20,МОУ «СОШ с. Яблоновый Гай»,СОШ,ivanteevka,Ивантеевский муниципальный район,"
    "Саратовская область,,СОШ с. Яблоновый Гай,,нет,сельская\n"
)


def run(text, *, user=None, **options):
    return school_registry_import(
        content=text.encode(), filename="schools.csv", imported_by=user, **options
    )


def schools() -> set[tuple]:
    return set(School.objects.values_list("code", "short_name", "distance_km", "parent__code"))


def test_a_dry_run_previews_new_and_changed_schools_and_writes_nothing():
    preview = run(GOOD, dry_run=True)
    assert (preview.created, preview.updated, preview.unchanged) == (3, 0, 0)
    assert preview.municipalities_created == ["Ивантеевский муниципальный район"]
    assert not School.objects.exists() and not Municipality.objects.exists()
    assert "Будет создано школ: 3" in preview.describe()

    run(GOOD)
    before, history = schools(), School.history.count()
    preview = run(CHANGED, dry_run=True)
    assert (preview.created, preview.updated, preview.unchanged) == (1, 1, 2)
    assert preview.changes == [
        "iv-02 (СОШ пос. Знаменский): краткое наименование «СОШ п. Знаменский» → "
        "«СОШ пос. Знаменский»; расстояние, км «9.0» → «12.0»"
    ]
    assert schools() == before and School.history.count() == history


def test_bulk_registry_import_writes_schools_branches_and_complete_history(region_operator):
    def ours(text):  # the operator's own region
        return text.replace("Саратовская область", region_operator.region.name)

    run(ours(GOOD), user=region_operator)
    result = run(ours(CHANGED), user=region_operator)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 2)
    assert ("iv-10", "филиал в с. Николаевка", None, "iv-02") in schools()
    school = School.objects.get(code="iv-02")
    records = list(school.history.order_by("history_id"))
    assert [(h.history_type, h.short_name, h.distance_km) for h in records] == [
        ("+", "СОШ п. Знаменский", 9),
        ("~", "СОШ пос. Знаменский", 12),
    ]
    assert all(h.history_user == region_operator for h in records)
    assert all(h.history_change_reason == "Загрузка реестра школ" for h in records)
    assert School.objects.get(code="iv-10").history.get().parent_id == school.pk
    assert School.history.count() == 3 + 2
    assert School.objects.filter(is_synthetic=False).count() == 4


def test_a_registry_write_failing_halfway_changes_nothing():
    run(GOOD)
    before, history = schools(), School.history.count()
    failing = mock.patch.object(bulk, "write_history", side_effect=RuntimeError("disk full"))
    with failing, pytest.raises(RuntimeError):
        run(CHANGED)
    assert schools() == before and School.history.count() == history


def test_import_schools_dry_run_prints_the_plan_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "schools.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_schools", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "Будет создано школ: 3" in out and "Ничего не записано" in out
    assert not School.objects.exists()
