"""A failure halfway through an import or a service changes nothing: each test lets the first
writes happen, then makes a later step raise, and compares the whole database before and after."""

import io
from unittest import mock

import openpyxl
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opora import bulk
from opora.assessments.models import ResultImportJob, SchoolResult
from opora.assessments.services import JOB_FAILED, result_import
from opora.identification.models import RuleSet, Verdict
from opora.programs import services as program_services
from opora.registry.services import school_registry_import
from tests.conftest import PASSWORD
from tests.identification.test_runs import RESULTS, run_for
from tests.registry.test_registry_import import GOOD

pytestmark = pytest.mark.django_db


class Injected(Exception):
    """The fault a test makes happen."""


def everything() -> dict:
    """Every row of every Opora table (history included), to compare before and after."""
    return {
        model._meta.label: sorted(model.objects.values_list(), key=repr)
        for model in apps.get_models()
        if model._meta.app_label in {"registry", "assessments", "identification", "programs"}
    }


CHANGED_RESULTS = RESULTS.replace(
    "a1,2023,ВПР,math,5,26,9,10,5,2", "a1,2023,ВПР,math,5,26,8,11,5,2"
)
CHANGED_RESULTS += "a2,2023,ОГЭ,rus,9,40,1,10,20,9\n"  # a new result and a new assessment


def test_results_import_failing_after_the_new_rows_changes_nothing(cast):
    result_import(content=RESULTS.encode(), filename="r.csv", imported_by=None)
    before = everything()
    # The results are upserted by then: only their history is left to write.
    with (
        mock.patch.object(bulk, "write_history", side_effect=Injected) as history,
        pytest.raises(Injected),
    ):
        result_import(content=CHANGED_RESULTS.encode(), filename="r.csv", imported_by=None)
    assert history.called
    assert everything() == before


def test_a_failing_background_import_says_so_and_changes_nothing(
    client, cast, django_capture_on_commit_callbacks
):
    result_import(content=RESULTS.encode(), filename="r.csv", imported_by=None)
    before = SchoolResult.history.count(), sorted(SchoolResult.objects.values_list())
    client.login(username="region_operator", password=PASSWORD)
    upload = SimpleUploadedFile("r.csv", CHANGED_RESULTS.encode())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:results_import"), {"file": upload})  # the preview
    job = ResultImportJob.objects.get()
    with (
        mock.patch.object(bulk, "write_history", side_effect=Injected),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(reverse("assessments:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.problems) == ("refused", [JOB_FAILED])
    assert not job.upload  # the file with pupils' data is deleted in this case too
    page = client.get(reverse("assessments:import_job", args=[job.pk])).content.decode()
    assert "не загружен, данные не изменены" in page and "сбой на сервере" in page
    assert (SchoolResult.history.count(), sorted(SchoolResult.objects.values_list())) == before


def test_registry_import_failing_after_the_schools_changes_nothing(cast):
    before = everything()
    # Head schools and branches are upserted by then: only their history is left to write.
    with (
        mock.patch.object(bulk, "write_history", side_effect=Injected) as history,
        pytest.raises(Injected),
    ):
        school_registry_import(content=GOOD.encode(), filename="s.csv", imported_by=None)
    assert history.called
    assert everything() == before  # not even the new municipality and region


def test_program_xlsx_import_failing_at_the_roadmap_keeps_the_indicators(client, program):
    client.login(username="coordinator_a", password=PASSWORD)
    exported = client.get(reverse("programs:program_export", args=[program.pk, "xlsx"])).content
    book = openpyxl.load_workbook(io.BytesIO(exported))
    book["Целевые показатели"]["C2"] = "Новое название показателя"
    book["Дорожная карта"]["C2"] = "Новый текст мероприятия"
    buffer = io.BytesIO()
    book.save(buffer)
    before = everything()
    real = program_services._indicators_update
    with (
        mock.patch.object(program_services, "_indicators_update", side_effect=real) as indicators,
        mock.patch.object(program_services, "_activities_update", side_effect=Injected),
        pytest.raises(Injected),
    ):
        program_services.program_tables_import(
            program=program, content=buffer.getvalue(), filename="p.xlsx", user=program_user()
        )
    assert indicators.called  # the indicators were rewritten before the fault
    assert everything() == before


def program_user():
    from opora.accounts.models import User

    return User.objects.get(username="coordinator_a")


def test_copying_a_program_failing_halfway_leaves_no_copy(program):
    before = everything()
    # The copy, its goals, tasks and indicators are written before the first activity.
    with (
        mock.patch("opora.programs.models.Activity.save", side_effect=Injected),
        pytest.raises(Injected),
    ):
        program_services.program_copy_to_next_period(
            program=program, user=program_user(), keep_schools=True
        )
    assert everything() == before


def test_identification_save_failing_at_the_verdicts_leaves_no_run_or_version(
    cast, school_a1, school_a2, school_b1, municipality_a
):
    result_import(content=RESULTS.encode(), filename="r.csv", imported_by=None)
    fioco = RuleSet.objects.get(code="shnor-fioco", version=1)
    before = everything()
    with (
        mock.patch.object(Verdict.objects, "bulk_create", side_effect=Injected),
        pytest.raises(Injected),
    ):
        # Other parameters: the rule set's new version is written before the verdicts.
        run_for(
            cast["coordinator_a"], fioco, municipality_a, params={**fioco.params, "threshold": 0.25}
        )
    assert everything() == before
