"""Checking result files column-wise, so that a student-level file of millions of rows is checked
in seconds. Pure polars, no Django: the import service hands in the codes it knows.
"""

from collections.abc import Callable, Collection

import polars as pl

from opora.tabular import ROW, Problem

KEYS = ["school_code", "year", "assessment", "subject", "grade"]
MARKS = ["mark_2", "mark_3", "mark_4", "mark_5"]
SCHOOL_LEVEL = [*KEYS, "participants", *MARKS]
# ВПР's comparison with journal marks: how many got a lower, the same, a higher mark.
JOURNAL = ["journal_lowered", "journal_confirmed", "journal_raised"]
STUDENT_LEVEL = [*KEYS, "student_id", "primary_score", "mark"]
STUDENT_OPTIONAL = ["journal_mark"]
# A file may name its schools beside their codes, as the tables of a regional centre do; the name
# is not read: the code finds the school.
NAME_COLUMN = "school_name"
SCHOOL_OPTIONAL = [NAME_COLUMN, *JOURNAL]
# Each column's Russian names (the first is the one templates and docs/formats.md write).
NAMES = {
    "school_code": ["Код ОО", "Код школы"],
    NAME_COLUMN: ["Наименование ОО", "Наименование школы"],
    "year": ["Учебный год", "Год"],
    "assessment": ["Процедура"],
    "subject": ["Предмет"],
    "grade": ["Класс"],
    "participants": ["Участников", "Кол-во участников", "Количество участников"],
    "mark_2": ["Отметка «2»", "«2»"],
    "mark_3": ["Отметка «3»", "«3»"],
    "mark_4": ["Отметка «4»", "«4»"],
    "mark_5": ["Отметка «5»", "«5»"],
    "student_id": ["Код участника", "Код работы"],
    "primary_score": ["Первичный балл"],
    "mark": ["Отметка"],
    "journal_mark": ["Отметка по журналу"],
    "journal_lowered": ["Понизили"],
    "journal_confirmed": ["Подтвердили"],
    "journal_raised": ["Повысили"],
}
KIND_BY_WORD = {
    "впр": "VPR", "vpr": "VPR",
    "огэ": "OGE", "oge": "OGE",
    "егэ": "EGE", "ege": "EGE",
    "кдр": "KDR", "kdr": "KDR",
}  # fmt: skip
SHOWN_PER_CHECK = 20
# The largest count a result stores (PositiveIntegerField on every database): larger ones would
# overflow the column, or wrap around in the sum of marks and pass its check.
MAX_COUNT = 2_147_483_647


def detect_format(header: Collection[str]) -> str | None:
    """'school' or 'student' by the columns a file has; None when it is neither."""
    if "participants" in header:
        return "school"
    if "student_id" in header or "mark" in header:
        return "student"
    return None


def check_school_rows(
    frame: pl.DataFrame, *, school_codes: Collection[str], subject_codes: Collection[str]
) -> tuple[pl.DataFrame, list[Problem]]:
    """Typed school-level rows (kind as VPR/OGE/EGE/KDR) and every problem found; the journal
    columns, when the file has them, may be empty (no comparison with the journal)."""
    journal = [c for c in JOURNAL if c in frame.columns]
    parsed = _typed_keys(frame).with_columns(
        pl.col("participants", *MARKS, *journal).str.to_integer(strict=False)
    )
    problems = _key_problems(frame, parsed, school_codes=school_codes, subject_codes=subject_codes)
    for column in ["participants", *MARKS, *journal]:
        # Digits that do not fit 64 bits parse to null: they are too large, not malformed.
        too_large = (parsed[column] > MAX_COUNT).fill_null(False) | (
            parsed[column].is_null() & frame[column].str.contains("^[0-9]+$")
        )
        malformed = parsed[column].is_null() | (parsed[column] < 0)
        if column in journal:
            malformed &= frame[column] != ""
        problems += _check(
            frame,
            malformed & ~too_large,
            column,
            lambda v: f"ожидается целое неотрицательное число, а не «{v}»",
        )
        problems += _check(
            frame,
            too_large,
            column,
            lambda v: f"слишком большое число «{v}»: допустимо не больше {MAX_COUNT}",
        )
    # The sum of marks is checked only where every count is valid: a refused count says it all.
    counts = pl.col("participants", *MARKS)
    typed = parsed.with_columns(pl.when(counts.is_between(0, MAX_COUNT)).then(counts))
    marks_sum = sum(pl.col(mark) for mark in MARKS)
    explained = typed.with_columns(
        pl.format("участников {}, а сумма отметок «2»…«5» — {}", "participants", marks_sum).alias(
            "why"
        )
    )
    wrong_sum = marks_sum.is_not_null() & (marks_sum != pl.col("participants"))
    problems += _check(
        explained, typed.select(wrong_sum).to_series(), "participants", str, value_column="why"
    )
    if journal:
        problems += _journal_problems(typed, journal)
    problems += _duplicates(typed)
    return typed, problems


def _journal_problems(typed: pl.DataFrame, journal: list[str]) -> list[Problem]:
    """All three journal counts or none, and together not more than the participants."""
    given = pl.sum_horizontal(pl.col(c).is_not_null() for c in journal)
    partly = typed.select((given > 0) & (given < len(JOURNAL))).to_series()
    problems = _check(
        typed,
        partly if len(journal) == len(JOURNAL) else typed.select(given > 0).to_series(),
        journal[0],
        lambda v: "понизили, подтвердили и повысили указываются все три или ни одного",
    )
    journal_sum = pl.sum_horizontal(journal)
    explained = typed.with_columns(
        pl.format(
            "участников {}, а понизили, подтвердили и повысили — {}", "participants", journal_sum
        ).alias("why")
    )
    too_many = (given == len(JOURNAL)) & (journal_sum > pl.col("participants"))
    problems += _check(
        explained, typed.select(too_many).to_series(), journal[0], str, value_column="why"
    )
    return problems


def check_student_rows(
    frame: pl.DataFrame, *, school_codes: Collection[str], subject_codes: Collection[str]
) -> tuple[pl.DataFrame, list[Problem]]:
    """Typed student-level rows without student_id, and every problem found."""
    has_journal = "journal_mark" in frame.columns
    typed = _typed_keys(frame).with_columns(
        pl.col("mark").str.to_integer(strict=False),
        pl.col("primary_score").str.replace(",", ".").cast(pl.Float64, strict=False),
        *([pl.col("journal_mark").str.to_integer(strict=False)] if has_journal else []),
    )
    problems = _key_problems(frame, typed, school_codes=school_codes, subject_codes=subject_codes)
    problems += _check(
        frame,
        ~typed["mark"].is_between(2, 5).fill_null(False),
        "mark",
        lambda v: f"отметка должна быть от 2 до 5, а не «{v}»",
    )
    bad_score = (frame["primary_score"] != "") & (
        typed["primary_score"].is_null() | (typed["primary_score"] < 0)
    )
    problems += _check(
        frame,
        bad_score,
        "primary_score",
        lambda v: f"первичный балл — неотрицательное число, а не «{v}»",
    )
    if has_journal:
        bad_journal = (frame["journal_mark"] != "") & ~typed["journal_mark"].is_between(
            2, 5
        ).fill_null(False)
        problems += _check(
            frame,
            bad_journal,
            "journal_mark",
            lambda v: f"отметка по журналу должна быть от 2 до 5 или пусто, а не «{v}»",
        )
    # Personal data stops here: nothing after this point sees student_id.
    return typed.drop("student_id", "primary_score"), problems


def _typed_keys(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("year", "grade").str.to_integer(strict=False),
        pl.col("assessment")
        .str.to_lowercase()
        .replace_strict(KIND_BY_WORD, default=None)
        .alias("kind"),
        pl.col("subject").str.to_lowercase(),
    )


def _key_problems(
    frame: pl.DataFrame,
    typed: pl.DataFrame,
    *,
    school_codes: Collection[str],
    subject_codes: Collection[str],
) -> list[Problem]:
    problems = []
    for column in KEYS:
        problems += _check(frame, frame[column] == "", column, lambda v: "пустое значение")
    problems += _check(
        frame,
        (frame["school_code"] != "") & ~frame["school_code"].is_in(list(school_codes)),
        "school_code",
        lambda v: f"школа с кодом «{v}» не найдена в вашей области работы",
    )
    problems += _check(
        frame,
        (frame["year"] != "") & ~typed["year"].is_between(2000, 2100).fill_null(False),
        "year",
        lambda v: f"учебный год пишется годом его окончания, например 2023 для 2022/23, а не «{v}»",
    )
    problems += _check(
        frame,
        (frame["assessment"] != "") & typed["kind"].is_null(),
        "assessment",
        lambda v: (
            f"неизвестная процедура «{v}»; допустимы ВПР, ОГЭ, ЕГЭ, КДР (или VPR, OGE, EGE, KDR)"
        ),
    )
    problems += _check(
        frame,
        (frame["subject"] != "") & ~typed["subject"].is_in(list(subject_codes)),
        "subject",
        lambda v: f"неизвестный предмет «{v}»; коды и названия перечислены в docs/formats.md",
    )
    problems += _check(
        frame,
        (frame["grade"] != "") & ~typed["grade"].is_between(1, 11).fill_null(False),
        "grade",
        lambda v: f"класс — число от 1 до 11, а не «{v}»",
    )
    return problems


def _duplicates(typed: pl.DataFrame) -> list[Problem]:
    keys = ["school_code", "year", "kind", "subject", "grade"]
    # A row whose key did not parse is refused for that already, not as a repeat of another.
    complete = typed.filter(pl.all_horizontal(pl.col(keys).is_not_null()))
    repeated = complete.with_columns(first_row=pl.col(ROW).min().over(keys)).filter(
        pl.col(ROW) != pl.col("first_row")
    )
    return [
        Problem(
            row,
            "school_code",
            f"повторяет строку {first_row}: та же школа, процедура, предмет, класс и год",
        )
        for row, first_row in repeated.select(ROW, "first_row").head(SHOWN_PER_CHECK).iter_rows()
    ]


def _check(
    frame: pl.DataFrame,
    bad: pl.Series,
    column: str,
    message: Callable[[str], str],
    *,
    value_column: str | None = None,
) -> list[Problem]:
    """Problems for the rows where `bad` holds: the first few by row, then a count of the rest."""
    found = frame.filter(bad.fill_null(False))
    problems = [
        Problem(row, column, message(value))
        for row, value in found.select(ROW, value_column or column)
        .head(SHOWN_PER_CHECK)
        .iter_rows()
    ]
    if found.height > SHOWN_PER_CHECK:
        problems.append(
            Problem(None, column, f"та же ошибка ещё в {found.height - SHOWN_PER_CHECK} строках")
        )
    return problems
