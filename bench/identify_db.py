"""The whole `manage.py identify` over a country, from the database: 40,000 schools and their
results of three years in a throwaway SQLite file, then the command against its peer, a plain
Python script over the same results as CSV (bench/plain_identify.py), taking turns; and the read
of the results through ADBC against the read row by row through Django's connection.

Run from the repository root: `python bench/identify_db.py [--schools N] [--json FILE]`
(make bench does).
"""

import argparse
import json
import os
import subprocess
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
ROUNDS = 2
GOAL_RATIO = 5  # the whole command at least 5× faster than the plain script


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
            "INSERT INTO registry_municipality (id, region_id, code, name, center,"
            " source_notes)"
            " VALUES (%s, %s, %s, %s, '', '{}')",
            [(r, r, f"m{r:02d}", f"Муниципалитет {r:02d}") for r in range(1, REGIONS + 1)],
        )
        school_ids = {code: index for index, code in enumerate(codes, start=1)}
        cursor.executemany(
            "INSERT INTO registry_school (id, municipality_id, code, name, short_name,"
            " school_type, settlement, address, is_small, is_synthetic, fisoko_login, source_note)"
            " VALUES (%s, %s, %s, %s, %s, 'СОШ', '', '', 0, 1, '', '')",
            [
                (i, int(code[:2]), code, f"Школа {code}", f"Школа {code}")
                for code, i in school_ids.items()
            ],
        )
        subjects = dict(cursor.execute("SELECT code, id FROM assessments_subject").fetchall())
        for subject in results["subject"].unique():
            if subject not in subjects:
                cursor.execute(
                    "INSERT INTO assessments_subject (code, name, position, aliases)"
                    " VALUES (%s, %s, 100, '')",
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


def wall_time(command: list[str]) -> float:
    """Seconds of a whole process, interpreter start included, as a user waits for it."""
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def read_times(year: int) -> dict[str, float]:
    """The identification's results read once through ADBC (outside a transaction) and once row
    by row through Django's own connection (inside one, as tests and services read)."""
    from opora.assessments.selectors import results_frame
    from opora.registry.models import School

    years = [year - 3, year - 2, year - 1]
    counts = ["participants", "mark_2"]
    times = {}
    started = time.perf_counter()
    results_frame(schools=School.objects.all(), years=years, counts=counts)
    times["adbc"] = time.perf_counter() - started
    with transaction.atomic():
        started = time.perf_counter()
        results_frame(schools=School.objects.all(), years=years, counts=counts)
        times["django_connection"] = time.perf_counter() - started
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schools", type=int, default=40_000)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    results = generate_school_results(schools=options.schools)
    started = time.perf_counter()
    load_country(results)
    loaded = time.perf_counter() - started
    connection.close()
    csv_path = database.parent / "results.csv"
    results.write_csv(csv_path)
    output = database.parent / "identify.csv"
    plain_output = database.parent / "plain.csv"
    python = sys.executable
    identify = [python, "manage.py", "identify", "--year", "2024", "--output", str(output)]
    plain = [python, "bench/plain_identify.py", str(csv_path), "--year", "2024"]
    plain += ["--output", str(plain_output)]
    environment_note = os.getloadavg()
    command_runs, plain_runs = [], []
    for _ in range(ROUNDS):
        command_runs.append(wall_time(identify))
        plain_runs.append(wall_time(plain))
    reads = read_times(2024)
    flagged = pl.read_csv(output)["flagged"].sum()
    agree = (
        pl.read_csv(output)
        .select("school_code", "flagged")
        .sort("school_code")
        .equals(pl.read_csv(plain_output).select("school_code", "flagged").sort("school_code"))
    )
    figures = {
        "schools": results["school_code"].n_unique(),
        "results": results.height,
        "command": min(command_runs),
        "plain_script": min(plain_runs),
        "command_runs": command_runs,
        "plain_runs": plain_runs,
        "read_adbc": reads["adbc"],
        "read_django_connection": reads["django_connection"],
        "flagged": int(flagged),
        "agree": agree,
        "load_average": [environment_note, os.getloadavg()],
    }
    ratio = figures["plain_script"] / figures["command"]
    print(
        f"identify from the database: {figures['schools']:,} schools, "
        f"{figures['results']:,} results (loaded by SQL in {loaded:.1f} s); "
        f"best of {ROUNDS}, taking turns, whole processes"
    )
    print(
        f"  manage.py identify --year 2024: {figures['command']:.2f} s; plain Python script over "
        f"the CSV: {figures['plain_script']:.2f} s; command {ratio:.1f}× the script "
        f"(goal ≥ {GOAL_RATIO}×) — {'met' if ratio >= GOAL_RATIO else 'NOT met'}; "
        f"{flagged:,} flagged, same flags: {'yes' if agree else 'NO'}"
    )
    print(
        f"  reading the {figures['results']:,} results: ADBC {reads['adbc']:.2f} s, row by row "
        f"through Django's connection {reads['django_connection']:.2f} s "
        f"({reads['django_connection'] / reads['adbc']:.1f}×)"
    )
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2))
    if not os.environ.get("KEEP_DB"):
        database.unlink()
    else:
        print(database)


if __name__ == "__main__":
    main()
