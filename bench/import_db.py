"""The imports through the database: `import_schools` and `import_results` (school level, CSV) of
a generated country into a throwaway SQLite file, or into PostgreSQL with --database.

Run from the repository root: `python bench/import_db.py [--schools N] [--database URL]` (make
bench does, on SQLite). Each step is the whole command, file reading and checks included: a first
load (every row new), a load of the same file again (every row unchanged) and a load where one
result in ten changed (an upload of corrections).
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--schools", type=int, default=4_000)
parser.add_argument("--database", help="a PostgreSQL URL; its tables are emptied first")
parser.add_argument(
    "--json", type=Path, help="a folder: the first loads' figures go to import_<database>.json"
)
arguments = parser.parse_args()
folder = Path(tempfile.mkdtemp(prefix="opora-bench-import-"))
os.environ["DATABASE_URL"] = arguments.database or f"sqlite:///{folder / 'import.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opora.settings")

import django  # noqa: E402

django.setup()

import polars as pl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.generate import generate_school_results  # noqa: E402

RESULTS_GOAL = 100_000  # rows a second (issue 21)
SCHOOLS_GOAL_40K = 5.0  # seconds for 40,000 schools


def write_files(schools: int) -> tuple[Path, Path, Path, int]:
    results = generate_school_results(schools=schools)
    codes = results["school_code"].unique().sort()
    registry = folder / "schools.csv"
    pl.DataFrame(
        {
            "school_code": codes,
            "school_name": "МОУ «Школа " + codes + "»",
            "school_type": "СОШ",
            "municipality_code": "m" + codes.str.slice(0, 2),
            "municipality_name": "Муниципалитет " + codes.str.slice(0, 2),
            "region_name": "Регион " + codes.str.slice(0, 2),
            "locality": "сельская",
            "distance_km": "12,5",
        }
    ).write_csv(registry)
    school_level = results.rename({"kind": "assessment"}).select(
        "school_code", "year", "assessment", "subject", "grade",
        "participants", "mark_2", "mark_3", "mark_4", "mark_5",
    )  # fmt: skip
    first = folder / "results.csv"
    school_level.write_csv(first)
    # One result in ten corrected: a «2» becomes a «3» where there is one.
    corrected = school_level.with_row_index().with_columns(
        fix=(pl.col("index") % 10 == 0) & (pl.col("mark_2") > 0)
    )
    corrected = corrected.with_columns(
        mark_2=pl.col("mark_2") - pl.col("fix").cast(pl.Int64),
        mark_3=pl.col("mark_3") + pl.col("fix").cast(pl.Int64),
    ).drop("index", "fix")
    second = folder / "corrections.csv"
    corrected.write_csv(second)
    return registry, first, second, school_level.height


def timed(*args) -> float:
    started = time.perf_counter()
    call_command(*args, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return time.perf_counter() - started


def main() -> None:
    if arguments.database:
        call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", verbosity=0)
    from opora.assessments.models import Subject

    registry, first, second, rows = write_files(arguments.schools)
    for code in pl.read_csv(first)["subject"].unique():
        Subject.objects.get_or_create(code=code, defaults={"name": code})
    schools = arguments.schools
    print(f"imports on {connection.vendor}: {schools:,} schools, {rows:,} school results")
    seconds = timed("import_schools", str(registry))
    figures = {"schools": {"seconds": seconds, "rows": schools}}
    print(
        f"  import_schools, new:          {seconds:6.2f} s  {schools / seconds:>9,.0f} rows/s"
        f"  (40,000 at this rate: {40_000 * seconds / schools:.1f} s, goal < {SCHOOLS_GOAL_40K} s)"
    )
    seconds = timed("import_schools", str(registry))
    print(f"  import_schools, unchanged:    {seconds:6.2f} s  {schools / seconds:>9,.0f} rows/s")
    for label, path in (("new", first), ("unchanged", first), ("10 % changed", second)):
        seconds = timed("import_results", str(path))
        figures.setdefault("results", {"seconds": seconds, "rows": rows})
        print(
            f"  import_results, {label + ':':<14}{seconds:6.2f} s  {rows / seconds:>9,.0f} rows/s"
            f"  (goal ≥ {RESULTS_GOAL:,})"
        )
    if arguments.json:  # bench/table.py prints them in issue 21's table
        path = arguments.json / f"import_{connection.vendor}.json"
        path.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
