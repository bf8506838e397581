"""Frames read column by column (opora/columnar.py): on SQLite through an ADBC driver when every
row is committed and through Django's own connection inside a transaction; on PostgreSQL as CSV
from COPY on Django's connection. The same answer each way."""

import polars as pl
import pytest
from django.db import connection, transaction

from opora import columnar
from opora.assessments.selectors import results_frame
from opora.assessments.services import result_import
from opora.columnar import read_frame
from opora.registry.models import School
from tests.safety.test_worker import subjects  # noqa: F401  (a fixture)
from tests.threads import database_file

RESULTS = """school_code,year,assessment,subject,grade,participants,mark_2,mark_3,mark_4,mark_5
a1,2023,ВПР,math,5,26,9,10,5,2
a2,2023,ВПР,math,5,30,3,10,15,2
b1,2022,ОГЭ,rus,9,10,5,3,1,1
"""
SCHEMA = {"code": pl.String, "is_small": pl.Boolean, "distance": pl.Float64}


def _schools():
    return read_frame(
        School.objects.order_by("code").values_list("code", "is_small", "distance_km"), SCHEMA
    )


def test_a_transaction_reads_its_own_uncommitted_rows(school_a1, branch_a1):
    # ADBC opens a connection of its own, which would not see rows the test has not committed.
    assert connection.in_atomic_block
    frame = _schools()
    assert frame.schema == pl.Schema(SCHEMA)
    assert frame.rows() == [("a1", False, 18.0), ("a1-f", True, None)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("subjects")
def test_committed_rows_are_read_through_adbc(
    monkeypatch, tmp_path, school_a1, branch_a1, school_a2, school_b1
):
    result_import(content=RESULTS.encode(), filename="r.csv", imported_by=None)
    schools = School.objects.filter(code__in=["a1", "a2", "b1"])
    with database_file(tmp_path):
        with transaction.atomic():  # through Django's connection
            expected = results_frame(schools=schools, years=[2022, 2023]).sort("school_code")
            expected_schools = _schools()

        def no_django(*args):
            raise AssertionError("read row by row outside a transaction")

        monkeypatch.setattr(columnar, "_read_django", no_django)
        frame = results_frame(schools=schools, years=[2022, 2023]).sort("school_code")
        assert frame.equals(expected)
        assert frame["school_code"].to_list() == ["a1", "a2", "b1"]
        assert frame.filter(pl.col("school_code") == "b1")["kind"].item() == "OGE"
        assert _schools().equals(expected_schools)
        # A literal «%» in the SQL and several bound parameters reach the driver intact.
        named = read_frame(
            School.objects.filter(name__contains="%", code__in=["a1", "b1"]).values_list("code"),
            {"code": pl.String},
        )
        assert named.is_empty()
        empty = results_frame(schools=schools, years=[1999])
        assert empty.is_empty() and empty.columns == frame.columns


@pytest.mark.django_db(transaction=True)
def test_a_column_empty_in_its_first_thousands_of_rows_keeps_its_type(
    tmp_path, school_a1, branch_a1
):
    # SQLite's driver infers a column's type from its first rows; «no head school» for
    # thousands of schools used to make «parent» a number, and the branch's code then failed.
    School.objects.bulk_create(
        School(municipality=school_a1.municipality, code=f"0{n:04d}", name=f"Школа {n}")
        for n in range(3000)
    )
    with database_file(tmp_path):
        frame = read_frame(
            School.objects.order_by("code").values_list("code", "parent__code"),
            {"code": pl.String, "parent": pl.String},
        )
    assert frame.height == 3002
    assert frame.filter(pl.col("parent").is_not_null()).rows() == [("a1-f", "a1")]


def test_a_filter_no_row_can_pass_reads_an_empty_frame_of_the_schema(school_a1):
    schema = {"code": pl.String, "is_small": pl.Boolean}
    frame = read_frame(School.objects.filter(code__in=[]).values_list("code", "is_small"), schema)
    assert frame.is_empty() and frame.schema == pl.Schema(schema)


def test_an_empty_text_a_missing_value_and_a_boolean_read_as_a_number_keep_their_meaning(
    school_a1, branch_a1
):
    """COPY's text on PostgreSQL: "" is an empty text, an unquoted empty field is NULL, and
    booleans are t and f, which a numeric column takes as 1 and 0."""
    School.objects.filter(code="a1").update(settlement="")
    frame = read_frame(
        School.objects.order_by("code").values_list(
            "code", "settlement", "parent__code", "is_small"
        ),
        {"code": pl.String, "settlement": pl.String, "parent": pl.String, "small": pl.Float64},
    )
    assert frame.rows() == [("a1", "", None, 0.0), ("a1-f", branch_a1.settlement, "a1", 1.0)]


def test_texts_with_quotes_separators_and_line_breaks_come_back_whole(school_a1):
    hostile = 'СОШ "Радуга", корпус 2\n<script>alert(1)</script> $x$ ;\r\n\\N'
    School.objects.filter(code="a1").update(short_name=hostile)
    frame = read_frame(
        School.objects.filter(code="a1").values_list("code", "short_name"),
        {"code": pl.String, "name": pl.String},
    )
    assert frame.rows() == [("a1", hostile)]
