"""A synthetic country for the benchmark: school results of every school and a student-level file.

Fixed seed, numpy and polars only; files go to /tmp unless another directory is given.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import polars as pl

SCHOOLS = 40_000
YEARS = (2021, 2022, 2023)  # ending years: 2020/21, 2021/22, 2022/23; identification for 2024
STUDENT_ROWS = 5_000_000
SEED = 20240901
DEFAULT_DIR = Path("/tmp/opora-bench")

# 16 assessments: every procedure of the ФИОКО list and of the extended rule is represented.
ASSESSMENTS = (
    *(("VPR", subject, grade) for grade in (4, 5, 6, 7, 8) for subject in ("rus", "math")),
    ("OGE", "rus", 9),
    ("OGE", "math", 9),
    ("EGE", "rus", 11),
    ("EGE", "math_base", 11),
    ("EGE", "math_prof", 11),
    ("KDR", "reading", 6),
)
# Shares of «3», «4», «5» among those who did not get «2».
PASS_MARKS = (0.45, 0.35, 0.20)


def school_codes(count: int) -> pl.Series:
    """Codes like «77-000123»: 85 regions, schools numbered within the country."""
    index = pl.int_range(0, count, eager=True)
    region = (index % 85 + 1).cast(pl.String).str.zfill(2)
    return pl.select(pl.format("{}-{}", region, index.cast(pl.String).str.zfill(6))).to_series()


def _school_profile(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Cohort size per school (small rural schools to big city ones) and its weakness."""
    cohort = np.rint(rng.lognormal(mean=3.0, sigma=0.8, size=count)).astype(np.int64)
    weakness = rng.beta(2.0, 24.0, size=count)  # about one school in eight is ШНОР
    return cohort, weakness


def generate_school_results(*, schools: int = SCHOOLS, seed: int = SEED) -> pl.DataFrame:
    """schools × 16 assessments × 3 years with participants and counts of marks 2–5."""
    rng = np.random.default_rng(seed)
    cohort, weakness = _school_profile(rng, schools)
    per_school = len(ASSESSMENTS) * len(YEARS)
    school = np.repeat(np.arange(schools), per_school)
    assessment = np.tile(np.repeat(np.arange(len(ASSESSMENTS)), len(YEARS)), schools)
    year = np.tile(np.array(YEARS), schools * len(ASSESSMENTS))
    # Some schools have no senior grades: no ЕГЭ participants (an «ignored» case for the rules).
    senior = rng.random(schools) > 0.2
    is_ege = np.array([kind == "EGE" for kind, _, _ in ASSESSMENTS])[assessment]
    size = rng.poisson(cohort[school] * 0.9)
    participants = np.where(is_ege & ~senior[school], 0, size)
    chance = np.clip(weakness[school] + rng.normal(0, 0.05, size=school.size), 0, 1)
    twos = rng.binomial(participants, chance)
    others = rng.multinomial(participants - twos, PASS_MARKS)
    kinds, subjects, grades = (np.array(column) for column in zip(*ASSESSMENTS, strict=True))
    return pl.DataFrame(
        {
            "school_code": school_codes(schools).gather(school),
            "year": year,
            "kind": kinds[assessment],
            "subject": subjects[assessment],
            "grade": grades[assessment].astype(np.int64),
            "participants": participants,
            "mark_2": twos,
            "mark_3": others[:, 0],
            "mark_4": others[:, 1],
            "mark_5": others[:, 2],
        }
    )


def generate_student_results(
    *, rows: int = STUDENT_ROWS, schools: int = SCHOOLS, seed: int = SEED
) -> pl.DataFrame:
    """A student-level import file for the latest year, in the import format of DESIGN.md."""
    rng = np.random.default_rng(seed + 1)
    cohort, weakness = _school_profile(rng, schools)
    school = rng.choice(schools, size=rows, p=cohort / cohort.sum())
    assessment = rng.integers(0, len(ASSESSMENTS), size=rows)
    failed = rng.random(rows) < weakness[school]
    passed = rng.choice(np.array([3, 4, 5]), size=rows, p=PASS_MARKS)
    mark = np.where(failed, 2, passed)
    kinds, subjects, grades = (np.array(column) for column in zip(*ASSESSMENTS, strict=True))
    is_vpr = kinds[assessment] == "VPR"
    shift = rng.choice(np.array([-1, 0, 1]), size=rows, p=(0.15, 0.7, 0.15))
    journal = np.clip(mark + shift, 2, 5)
    has_journal = is_vpr & (rng.random(rows) > 0.05)
    return pl.DataFrame(
        {
            "school_code": school_codes(schools).gather(school),
            "year": np.full(rows, YEARS[-1]),
            "assessment": kinds[assessment],
            "subject": subjects[assessment],
            "grade": grades[assessment].astype(np.int64),
            "student_id": pl.int_range(0, rows, eager=True).cast(pl.String),
            "primary_score": rng.integers(0, 40, size=rows),
            "mark": mark,
            "journal_mark": pl.Series(journal).set(pl.Series(~has_journal), None),
        }
    )


TYPES = ("СОШ", "ООШ", "НОШ", "гимназия", "лицей")


def generate_schools(*, schools: int = SCHOOLS, seed: int = SEED) -> pl.DataFrame:
    """What comparable schools are chosen by: region, type, urban or rural, and a social-context
    index that is higher (worse) where results are weaker, as in the seeds."""
    rng = np.random.default_rng(seed)
    _cohort, weakness = _school_profile(rng, schools)
    codes = school_codes(schools)
    index = np.round(10 * weakness + rng.normal(0, 0.4, size=schools), 3)
    return pl.DataFrame(
        {
            "school_code": codes,
            "region": codes.str.slice(0, 2),
            "school_type": np.array(TYPES)[
                rng.choice(len(TYPES), size=schools, p=(0.6, 0.2, 0.05, 0.1, 0.05))
            ],
            "is_rural": rng.random(schools) < 0.55,
            # One school in ten has no index: the rule must do without it.
            "social_index": pl.Series(index).set(pl.Series(rng.random(schools) < 0.1), None),
        }
    )


def generate_history(
    *,
    schools: int = 4_000,
    years: tuple[int, ...] = (2018, 2019, 2020, 2021, 2022, 2023),
    seed: int = SEED,
) -> pl.DataFrame:
    """Results of several years with a known mechanism, to check the early warning against:
    each school has a real share of «2» that moves by its own trend (a third of schools get
    worse by 0–4 points a year, a third better, a third stay) plus a cohort effect of the year
    (±3 points), and each class draws its marks from it (binomial)."""
    rng = np.random.default_rng(seed + 2)
    cohort, weakness = _school_profile(rng, schools)
    trend = rng.choice(np.array([-1.0, 0.0, 1.0]), size=schools) * rng.uniform(0, 0.04, schools)
    per_school = len(ASSESSMENTS) * len(years)
    school = np.repeat(np.arange(schools), per_school)
    assessment = np.tile(np.repeat(np.arange(len(ASSESSMENTS)), len(years)), schools)
    year_index = np.tile(np.arange(len(years)), schools * len(ASSESSMENTS))
    cohort_effect = rng.normal(0, 0.03, size=(schools, len(years)))
    real = weakness[school] + trend[school] * year_index + cohort_effect[school, year_index]
    chance = np.clip(real + rng.normal(0, 0.02, size=school.size), 0, 1)
    participants = rng.poisson(cohort[school] * 0.9)
    twos = rng.binomial(participants, chance)
    others = rng.multinomial(participants - twos, PASS_MARKS)
    kinds, subjects, grades = (np.array(column) for column in zip(*ASSESSMENTS, strict=True))
    return pl.DataFrame(
        {
            "school_code": school_codes(schools).gather(school),
            "year": np.array(years)[year_index],
            "kind": kinds[assessment],
            "subject": subjects[assessment],
            "grade": grades[assessment].astype(np.int64),
            "participants": participants,
            "mark_2": twos,
            "mark_3": others[:, 0],
            "mark_4": others[:, 1],
            "mark_5": others[:, 2],
        }
    )


def write_country(directory: Path = DEFAULT_DIR) -> dict[str, Path]:
    """Write school_results.parquet, schools.parquet, students.parquet and students.csv; return
    their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        "school_results": directory / "school_results.parquet",
        "schools": directory / "schools.parquet",
        "students": directory / "students.parquet",
        "students_csv": directory / "students.csv",
    }
    generate_school_results().write_parquet(paths["school_results"])
    generate_schools().write_parquet(paths["schools"])
    students = generate_student_results()
    students.write_parquet(paths["students"])
    students.write_csv(paths["students_csv"])
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    for name, path in write_country(parser.parse_args().dir).items():
        print(f"{name}: {path}")
