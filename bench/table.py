"""The table of issue 21, each row against its peer, from the figures the other benchmarks of the
same `make bench` run wrote as JSON into one folder (default /tmp/opora-bench-results):

- import_sqlite.json, import_postgresql.json — bench/import_db.py (`schools` and `results`, each
  `seconds` and `rows` of a first load);
- identify.json — bench/identify_db.py; run.json — bench/run.py; load.json — bench/load.py;
  queue.json — bench/task_queue.py (PostgreSQL only).

A row whose file is missing says so instead of a number.
"""

import argparse
import json
import os
from pathlib import Path

MISSING = "not measured in this run"


def read(folder: Path, name: str) -> dict | None:
    path = folder / name
    return json.loads(path.read_text()) if path.exists() else None


def import_row(figures: dict | None, goal: str) -> tuple[str, str]:
    if figures is None:
        return MISSING, goal
    rate = figures["rows"] / figures["seconds"]
    return f"{figures['seconds']:.1f} s, {rate:,.0f} rows/s", goal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/opora-bench-results"))
    folder = parser.parse_args().dir
    rows = []
    for vendor in ("sqlite", "postgresql"):
        imports = read(folder, f"import_{vendor}.json") or {}
        for step, goal in (("schools", "< 5 s for 40,000"), ("results", "≥ 100,000 rows/s")):
            figures = imports.get(step)
            rows.append(
                (
                    f"import_{step}, {vendor}" + (f", {figures['rows']:,} rows" if figures else ""),
                    *import_row(figures, goal),
                )
            )
    identify = read(folder, "identify.json")
    if identify:
        ratio = identify["plain_script"] / identify["command"]
        rows.append(
            (
                f"identify --year 2024, {identify['schools']:,} schools",
                f"{identify['command']:.2f} s; {ratio:.1f}× the plain script "
                f"({identify['plain_script']:.2f} s)",
                "≥ 5× the script",
            )
        )
    else:
        rows.append(("identify --year 2024", MISSING, "≥ 5× the script"))
    run = read(folder, "run.json")
    if run:
        steps = run["steps"]
        polars = steps["aggregate-polars"]["best"]
        rows.append(
            (
                f"aggregation of {steps['aggregate-polars']['rows']:,} student rows",
                f"{polars:.2f} s; {steps['aggregate-pandas-arrow']['best'] / polars:.1f}× pandas "
                f"pyarrow, {steps['aggregate-duckdb']['best'] / polars:.2f}× DuckDB, "
                f"{steps['aggregate-pandas']['best'] / polars:.1f}× pandas numpy",
                "≥ 5× pandas pyarrow, ≥ 1× DuckDB",
            )
        )
    else:
        rows.append(("aggregation of student rows", MISSING, "≥ 5× pandas pyarrow, ≥ 1× DuckDB"))
    load = read(folder, "load.json")
    if load:
        worst = max(page["p95_ms"] for page in load["pages"].values() if page["p95_ms"])
        rows.append(
            (
                f"pages, {load['setup']['users']} users, 1,000 schools, "
                f"{load['machine']['database'].split()[0]}",
                f"p95 of the slowest page {worst} ms; errors {len(load['errors'])}",
                "p95 < 200 ms",
            )
        )
    else:
        rows.append(("pages, 20 users, 1,000 schools", MISSING, "p95 < 200 ms"))
    queue = read(folder, "queue.json")
    if queue:
        rows.append(
            (
                "task queue, 2 workers, PostgreSQL",
                f"a job alone waits {queue['pickup_alone_p50_s']:.2f} s; "
                f"{queue['jobs_per_second']:.0f} jobs/s",
                "imports of seconds each",
            )
        )
    width = max(len(row[0]) for row in rows) + 2
    print(f"issue 21, same run; load average now {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"{'step':<{width}}{'measured, against its peer':<72}goal")
    for step, measured, goal in rows:
        print(f"{step:<{width}}{measured:<72}{goal}")


if __name__ == "__main__":
    main()
