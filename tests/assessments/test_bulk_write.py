"""The write side of the result import: one plan (the diff of the file against the database)
serves the preview and the write; the write is set-based, keeps complete history, records where
each value came from, and changes nothing when it fails halfway."""

from unittest import mock

import polars as pl
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from opora import bulk
from opora.assessments import services
from opora.assessments.models import Assessment, ImportBatch, SchoolResult
from opora.assessments.services import result_import
from opora.tabular import ImportRefused

pytestmark = pytest.mark.django_db

HEADER = "school_code,year,assessment,subject,grade,participants,mark_2,mark_3,mark_4,mark_5"
FIRST = f"""{HEADER}
a1,2023,ВПР,math,5,26,9,10,5,2
a1,2023,ОГЭ,rus,9,12,0,6,4,2
a2,2023,ЕГЭ,math_prof,11,20,2,8,6,4
"""
# a1's ВПР changes a lot, a2's ЕГЭ a little, a1's ОГЭ stays, and b1… is not in the first file.
SECOND = f"""{HEADER}
a1,2023,ВПР,math,5,26,2,10,10,4
a1,2023,ОГЭ,rus,9,12,0,6,4,2
a2,2023,ЕГЭ,math_prof,11,20,1,9,6,4
a2,2023,ВПР,rus,5,15,3,4,4,4
"""


def load(text, *, user=None, filename="results.csv", **options):
    return result_import(content=text.encode(), filename=filename, imported_by=user, **options)


def stored() -> set[tuple]:
    return set(
        SchoolResult.objects.values_list(
            "school__code", "assessment__kind", "year", "participants", "mark_2", "mark_5"
        )
    )


def test_a_dry_run_previews_the_plan_and_writes_nothing(school_a1, school_a2):
    load(FIRST)
    before, history, batches = stored(), SchoolResult.history.count(), ImportBatch.objects.count()
    assessments = Assessment.objects.count()

    preview = load(SECOND, dry_run=True)

    assert (preview.created, preview.updated, preview.unchanged) == (1, 2, 1)
    assert (preview.rows_read, preview.schools) == (4, 2)
    assert stored() == before
    assert SchoolResult.history.count() == history
    assert ImportBatch.objects.count() == batches
    assert Assessment.objects.count() == assessments  # ВПР rus 5 would be new: not created
    # The biggest change first: a1's share of «2» falls from 35 % to 8 %.
    first, second = preview.changes
    assert (first["school"], first["assessment"], first["year_label"]) == (
        "СОШ с. Альфа",
        "ВПР математика 5 кл.",
        "2022/23",
    )
    assert (first["old"], first["new"]) == ([26, 9, 10, 5, 2], [26, 2, 10, 10, 4])
    assert second["old"] == [20, 2, 8, 6, 4]
    assert "Результатов будет добавлено: 1, будет заменено: 2" in preview.describe()


def test_the_write_applies_exactly_the_previewed_plan(school_a1, school_a2):
    load(FIRST)
    preview = load(SECOND, dry_run=True)
    summary = load(SECOND)
    assert (summary.created, summary.updated, summary.unchanged) == (
        preview.created,
        preview.updated,
        preview.unchanged,
    )
    assert summary.changes == preview.changes
    assert ("a1", "VPR", 2023, 26, 2, 4) in stored()
    assert ("a2", "VPR", 2023, 15, 3, 4) in stored()


def test_history_rows_are_complete_after_a_bulk_import(school_a1, school_a2, region_operator):
    load(FIRST, user=region_operator, filename="first.csv")
    load(SECOND, user=region_operator, filename="second.csv")
    vpr = SchoolResult.objects.get(school=school_a1, assessment__kind="VPR")
    records = list(vpr.history.order_by("history_id"))
    assert [(h.history_type, h.mark_2, h.mark_5) for h in records] == [("+", 9, 2), ("~", 2, 4)]
    assert all(h.history_user == region_operator for h in records)
    assert [h.history_change_reason for h in records] == [
        "Загрузка файла first.csv",
        "Загрузка файла second.csv",
    ]
    assert records[0].history_date < records[1].history_date
    # Every field is copied, the provenance too; unchanged values get no new history row.
    assert records[1].import_batch.filename == "second.csv"
    assert (records[1].school_id, records[1].year, records[1].participants) == (
        school_a1.pk,
        2023,
        26,
    )
    oge = SchoolResult.objects.get(assessment__kind="OGE")
    assert [h.history_type for h in oge.history.all()] == ["+"]
    assert SchoolResult.history.count() == 3 + 3  # 3 created, then 2 changed and 1 new


def test_history_is_numbered_past_32_bits(school_a1, school_a2):
    """A country's file adds 1.9 M history rows a load: numbering must not stop at 2³¹."""
    history = SchoolResult.history.model
    past_32_bits = 2**31
    load(FIRST)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'history_id'), %s)",
                [history._meta.db_table, past_32_bits],
            )
    else:  # SQLite numbers after the largest id ever used
        history.objects.update(history_id=F("history_id") + past_32_bits)
    load(SECOND)
    assert history.objects.filter(history_id__gt=past_32_bits, history_type="~").count() == 2


def test_each_value_remembers_its_file_format_and_uploader(school_a1, school_a2, region_operator):
    load(FIRST, filename="first.csv")
    load(SECOND, user=region_operator, filename="second.xlsx.csv", source_format="ФИС ОКО: тест")
    first, second = ImportBatch.objects.order_by("pk")
    assert (first.filename, first.source_format, first.created_by) == (
        "first.csv",
        "Opora CSV по школам",
        None,
    )
    assert first.uploader == "администратор системы"
    assert (second.source_format, second.created_by, second.rows_read) == (
        "ФИС ОКО: тест",
        region_operator,
        4,
    )
    assert (second.created, second.updated) == (1, 2)
    by_kind = {
        r.assessment.kind + str(r.school.code): r.import_batch for r in SchoolResult.objects.all()
    }
    # A value the second file repeats unchanged keeps the file it first came from.
    assert by_kind == {"VPRa1": second, "OGEa1": first, "EGEa2": second, "VPRa2": second}


def test_a_write_failing_halfway_changes_nothing(school_a1, school_a2):
    load(FIRST)
    before, history, batches = stored(), SchoolResult.history.count(), ImportBatch.objects.count()
    # The results are already upserted when writing their history fails.
    failing = mock.patch.object(bulk, "write_history", side_effect=RuntimeError("disk full"))
    with failing, pytest.raises(RuntimeError):
        load(SECOND)
    assert stored() == before
    assert SchoolResult.history.count() == history
    assert ImportBatch.objects.count() == batches


def test_the_command_dry_run_prints_the_preview_and_writes_nothing(
    tmp_path, school_a1, school_a2, capsys
):
    load(FIRST)
    before = stored()
    (tmp_path / "second.csv").write_text(SECOND)
    call_command("import_results", str(tmp_path / "second.csv"), "--dry-run")
    out = capsys.readouterr().out
    assert "будет заменено: 2" in out
    assert "СОШ с. Альфа · ВПР математика 5 кл. · 2022/23" in out
    assert "Ничего не записано" in out
    assert stored() == before


def test_rows_a_reader_skipped_are_reported_with_the_plan(school_a1, school_a2):
    from opora.assessments.services import result_import_table
    from opora.tabular import read_table

    skipped = ["строка 9: школа sch640199 «МОУ СОШ № 99» не найдена в реестре"]
    preview = result_import_table(
        table=read_table(FIRST.encode(), filename="report.xlsx.csv"),
        imported_by=None,
        dry_run=True,
        skipped=skipped,
        source_format="ФИС ОКО: статистика по отметкам",
    )
    assert preview.skipped == skipped and preview.created == 3
    assert "Пропущено строк школ: 1 — строка 9: школа sch640199" in preview.describe()
    assert not SchoolResult.objects.exists()


def test_a_database_error_halfway_is_reported_as_itself_and_changes_nothing(school_a1, school_a2):
    """On PostgreSQL a failed statement aborts the transaction: cleaning up the temporary table
    then would raise another error and hide the real one."""
    from django.db import DatabaseError, connection

    load(FIRST)
    before, history = stored(), SchoolResult.history.count()

    def broken(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT no_such_column FROM assessments_schoolresult")

    failing = mock.patch.object(bulk, "write_history", side_effect=broken)
    with failing, pytest.raises(DatabaseError, match="no_such_column"):
        load(SECOND)
    assert stored() == before and SchoolResult.history.count() == history


def test_a_result_written_by_someone_else_after_the_plan_refuses_the_file(school_a1, school_a2):
    result_import(content=FIRST.encode(), filename="first.csv", imported_by=None)
    before, history = sorted(SchoolResult.objects.values_list()), SchoolResult.history.count()
    # The plan sees none of the stored results, as if another import stored them meanwhile.
    nothing = services._existing_results(
        pl.DataFrame(schema=dict.fromkeys(services.RESULT_KEY, pl.Int64))
    )
    with (
        mock.patch.object(services, "_existing_results", return_value=nothing),
        pytest.raises(ImportRefused) as caught,
    ):
        result_import(content=FIRST.encode(), filename="again.csv", imported_by=None)
    assert [p.message for p in caught.value.problems] == [services.PLAN_CHANGED]
    assert sorted(SchoolResult.objects.values_list()) == before
    assert SchoolResult.history.count() == history
