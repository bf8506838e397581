"""The whole `manage.py identify` over a country, from the database: 40,000 schools and their
results of three years in a throwaway SQLite file, then one timed run of the command.

Run from the repository root: `python bench/identify_db.py` (make bench does).
"""

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
database = Path(tempfile.mkdtemp(prefix="opora-bench-")) / "country.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{database}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opora.settings")

import django  # noqa: E402

django.setup()

import polars as pl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench.generate import generate_school_results  # noqa: E402

REGIONS = 85
GOAL_SECONDS = 15


@transaction.atomic  # one transaction: SQLite would otherwise sync the disk after every row
def load_country(results: pl.DataFrame) -> None:
    """Insert the country with plain SQL: the benchmark measures identification, not loading."""
    codes = results["school_code"].unique().sort().to_list()
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO registry_region (id, name, is_demo) VALUES (%s, %s, %s)",
            [(r, f"Регион {r:02d}", False) for r in range(1, REGIONS + 1)],
        )
        cursor.executemany(
            "INSERT INTO registry_municipality (id, region_id, code, name, center)"
            " VALUES (%s, %s, %s, %s, '')",
            [(r, r, f"m{r:02d}", f"Муниципалитет {r:02d}") for r in range(1, REGIONS + 1)],
        )
        school_ids = {code: index for index, code in enumerate(codes, start=1)}
        cursor.executemany(
            "INSERT INTO registry_school (id, municipality_id, code, name, short_name,"
            " school_type, settlement, address, is_small, is_synthetic)"
            " VALUES (%s, %s, %s, %s, %s, 'СОШ', '', '', 0, 1)",
            [
                (i, int(code[:2]), code, f"Школа {code}", f"Школа {code}")
                for code, i in school_ids.items()
            ],
        )
        subjects = dict(cursor.execute("SELECT code, id FROM assessments_subject").fetchall())
        for subject in results["subject"].unique():
            if subject not in subjects:
                cursor.execute(
                    "INSERT INTO assessments_subject (code, name, position) VALUES (%s, %s, 100)",
                    [subject, subject],
                )
                subjects[subject] = cursor.lastrowid
        keys = results.select("kind", "subject", "grade").unique().rows()
        assessment_ids = {key: i for i, key in enumerate(keys, start=1)}
        cursor.executemany(
            "INSERT INTO assessments_assessment (id, kind, subject_id, grade)"
            " VALUES (%s, %s, %s, %s)",
            [(i, k, subjects[s], g) for (k, s, g), i in assessment_ids.items()],
        )
        rows = (
            (school_ids[r[0]], assessment_ids[r[2:5]], r[1], *r[5:])
            for r in results.select(
                "school_code", "year", "kind", "subject", "grade",
                "participants", "mark_2", "mark_3", "mark_4", "mark_5",
            ).iter_rows()
        )  # fmt: skip
        cursor.executemany(
            "INSERT INTO assessments_schoolresult (school_id, assessment_id, year, participants,"
            " mark_2, mark_3, mark_4, mark_5) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )


def main() -> None:
    call_command("migrate", verbosity=0)
    results = generate_school_results()
    started = time.perf_counter()
    load_country(results)
    loaded = time.perf_counter() - started
    output = database.parent / "identify.csv"
    started = time.perf_counter()
    call_command("identify", "--year", "2024", "--output", str(output))
    elapsed = time.perf_counter() - started
    flagged = pl.read_csv(output)["flagged"].sum()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"identify from the database: {results['school_code'].n_unique():,} schools, "
        f"{results.height:,} results (loaded by SQL in {loaded:.1f} s)"
    )
    print(
        f"  manage.py identify --year 2024: {elapsed:.2f} s (goal < {GOAL_SECONDS} s), "
        f"{flagged:,} flagged, peak memory {peak:,.0f} MiB"
    )
    if not os.environ.get("KEEP_DB"):
        database.unlink()
    else:
        print(database)


if __name__ == "__main__":
    main()
