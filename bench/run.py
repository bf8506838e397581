"""Benchmark of Opora's computation at country scale (DESIGN.md, «Numbers to reach»).

Run from the repository root: `python bench/run.py`. Each step runs in its own process so that its
peak memory is its own (libraries are imported inside the steps for the same reason), and the
steps take turns over several rounds so that both sides of a comparison meet the same load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YEAR = 2024  # identification year; the generated results are of 2021–2023
ROW_BY_ROW_SCHOOLS = 4_000  # the row-by-row loop is timed on these and scaled linearly
IDENTIFICATION_REPEAT = 5  # runs per process and round; the first one includes warm-up
AGGREGATION_REPEAT = 3  # likewise for every aggregation peer: an import worker is a warm process
VERIFY_STUDENT_ROWS = 500_000


def timed(times: int, action: Callable[[], object]) -> list[float]:
    runs = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        runs.append(time.perf_counter() - started)
    return runs


# --- Steps (each runs in a child process) ---------------------------------------------------------


def step_generate(directory: Path) -> dict:
    from generate import SCHOOLS, STUDENT_ROWS, write_country

    runs = timed(1, lambda: write_country(directory))
    return {"runs": runs, "rows": STUDENT_ROWS, "schools": SCHOOLS}


def step_aggregate_polars(directory: Path) -> dict:
    import polars as pl

    from opora.assessments.aggregation import aggregate_student_results

    frame = pl.read_parquet(directory / "students.parquet")
    loaded = _rss_mib()
    runs = timed(AGGREGATION_REPEAT, lambda: aggregate_student_results(frame))
    return {"runs": runs, "rows": frame.height, "loaded_mib": loaded}


def step_aggregate_pandas(directory: Path) -> dict:
    import pandas as pd
    from baselines import aggregate_student_results_pandas

    frame = pd.read_csv(directory / "students.csv").rename(columns={"assessment": "kind"})
    loaded = _rss_mib()
    runs = timed(AGGREGATION_REPEAT, lambda: aggregate_student_results_pandas(frame))
    return {"runs": runs, "rows": len(frame), "loaded_mib": loaded}


def step_aggregate_pandas_arrow(directory: Path) -> dict:
    import pandas as pd
    from baselines import aggregate_student_results_pandas

    frame = pd.read_parquet(directory / "students.parquet", dtype_backend="pyarrow")
    frame = frame.rename(columns={"assessment": "kind"})
    loaded = _rss_mib()
    runs = timed(AGGREGATION_REPEAT, lambda: aggregate_student_results_pandas(frame))
    return {"runs": runs, "rows": len(frame), "loaded_mib": loaded}


def step_aggregate_duckdb(directory: Path) -> dict:
    import duckdb
    from baselines import aggregate_student_results_duckdb

    connection = duckdb.connect()
    path = str(directory / "students.parquet")
    connection.execute("CREATE TABLE students AS SELECT * FROM read_parquet(?)", [path])
    rows = connection.sql("SELECT count(*) FROM students").fetchall()[0][0]
    loaded = _rss_mib()
    runs = timed(AGGREGATION_REPEAT, lambda: aggregate_student_results_duckdb(connection))
    return {"runs": runs, "rows": rows, "loaded_mib": loaded}


def step_import_polars(directory: Path) -> dict:
    import polars as pl

    from opora.assessments.aggregation import aggregate_student_results

    path = directory / "students.csv"
    runs = timed(1, lambda: aggregate_student_results(pl.scan_csv(path)))
    return {"runs": runs, "rows": pl.scan_csv(path).select(pl.len()).collect().item()}


def step_import_pandas(directory: Path) -> dict:
    import pandas as pd
    from baselines import aggregate_student_results_pandas

    path = directory / "students.csv"

    def read_and_aggregate() -> None:
        frame = pd.read_csv(path).rename(columns={"assessment": "kind"})
        aggregate_student_results_pandas(frame)

    runs = timed(1, read_and_aggregate)
    return {"runs": runs, "rows": sum(1 for _ in path.open()) - 1}


def step_identify_engine(directory: Path) -> dict:
    import polars as pl

    from opora.identification.engine import SHNOR_FIOCO, identify_low_results

    results = pl.read_parquet(directory / "school_results.parquet")
    loaded = _rss_mib()
    outcome = {}

    def identify() -> None:
        outcome["frame"] = identify_low_results(results, rule=SHNOR_FIOCO, year=YEAR)

    runs = timed(IDENTIFICATION_REPEAT, identify)
    frame = outcome["frame"]
    return {
        "runs": runs,
        "rows": results.height,
        "schools": frame.height,
        "flagged": int(frame["flagged"].sum()),
        "loaded_mib": loaded,
    }


def step_identify_extended(directory: Path) -> dict:
    import polars as pl

    from opora.identification.engine import SHNOR_EXTENDED, identify_low_results

    results = pl.read_parquet(directory / "school_results.parquet")
    loaded = _rss_mib()
    runs = timed(
        IDENTIFICATION_REPEAT,
        lambda: identify_low_results(results, rule=SHNOR_EXTENDED, year=YEAR),
    )
    return {"runs": runs, "rows": results.height, "loaded_mib": loaded}


def step_identify_duckdb(directory: Path) -> dict:
    import duckdb
    from baselines import identify_flags_duckdb

    from opora.identification.engine import SHNOR_FIOCO

    connection = duckdb.connect()
    path = str(directory / "school_results.parquet")
    connection.execute("CREATE TABLE results AS SELECT * FROM read_parquet(?)", [path])
    loaded = _rss_mib()
    outcome = {}

    def identify() -> None:
        outcome["frame"] = identify_flags_duckdb(connection, rule=SHNOR_FIOCO, year=YEAR)

    runs = timed(IDENTIFICATION_REPEAT, identify)
    frame = outcome["frame"]
    return {
        "runs": runs,
        "rows": connection.sql("SELECT count(*) FROM results").fetchall()[0][0],
        "schools": frame.height,
        "flagged": int(frame["flagged"].sum()),
        "loaded_mib": loaded,
    }


def step_identify_pandas_arrow(directory: Path) -> dict:
    import pandas as pd
    from baselines import identify_flags_pandas

    from opora.identification.engine import SHNOR_FIOCO

    frame = pd.read_parquet(directory / "school_results.parquet", dtype_backend="pyarrow")
    loaded = _rss_mib()
    outcome = {}

    def identify() -> None:
        outcome["frame"] = identify_flags_pandas(frame, rule=SHNOR_FIOCO, year=YEAR)

    runs = timed(IDENTIFICATION_REPEAT, identify)
    flags = outcome["frame"]
    return {
        "runs": runs,
        "rows": len(frame),
        "schools": len(flags),
        "flagged": int(flags["flagged"].sum()),
        "loaded_mib": loaded,
    }


def step_identify_rows(directory: Path) -> dict:
    import polars as pl
    from baselines import identify_low_results_rows

    from opora.identification.engine import SHNOR_FIOCO

    results = pl.read_parquet(directory / "school_results.parquet")
    rows = _subset(results, ROW_BY_ROW_SCHOOLS).to_dicts()  # what an ORM query would hand over
    del results
    loaded = _rss_mib()
    runs = timed(
        IDENTIFICATION_REPEAT,
        lambda: identify_low_results_rows(rows, rule=SHNOR_FIOCO, year=YEAR),
    )
    return {"runs": runs, "rows": len(rows), "schools": ROW_BY_ROW_SCHOOLS, "loaded_mib": loaded}


def step_peers_engine(directory: Path) -> dict:
    import polars as pl

    from opora.identification.peers import PeerRule, fair_change

    results = pl.read_parquet(directory / "school_results.parquet")
    schools = pl.read_parquet(directory / "schools.parquet")
    loaded = _rss_mib()
    outcome = {}

    def compare() -> None:
        outcome["frame"] = fair_change(schools, results, rule=PeerRule(), year=YEAR - 1)

    runs = timed(IDENTIFICATION_REPEAT, compare)
    frame = outcome["frame"]
    return {
        "runs": runs,
        "rows": results.height,
        "schools": schools.height,
        "better": int((frame["verdict"] == "better").sum()),
        "worse": int((frame["verdict"] == "worse").sum()),
        "loaded_mib": loaded,
    }


def step_peers_rows(directory: Path) -> dict:
    import polars as pl
    from baselines import fair_change_rows

    from opora.identification.peers import PeerRule

    results = _subset(pl.read_parquet(directory / "school_results.parquet"), ROW_BY_ROW_SCHOOLS)
    schools = pl.read_parquet(directory / "schools.parquet")
    schools = schools.filter(pl.col("school_code").is_in(results["school_code"].unique().implode()))
    rows, school_rows = results.to_dicts(), schools.to_dicts()
    del results
    loaded = _rss_mib()
    runs = timed(1, lambda: fair_change_rows(school_rows, rows, rule=PeerRule(), year=YEAR - 1))
    return {"runs": runs, "rows": len(rows), "schools": len(school_rows), "loaded_mib": loaded}


def step_warning_engine(directory: Path) -> dict:
    import polars as pl

    from opora.identification.early_warning import EarlyWarningRule, early_warning
    from opora.identification.engine import SHNOR_FIOCO

    results = pl.read_parquet(directory / "school_results.parquet")
    loaded = _rss_mib()
    outcome = {}

    def warn() -> None:
        outcome["frame"] = early_warning(
            results, rule=SHNOR_FIOCO, warning=EarlyWarningRule(), year=YEAR
        )

    runs = timed(IDENTIFICATION_REPEAT, warn)
    frame = outcome["frame"]
    return {
        "runs": runs,
        "rows": results.height,
        "schools": frame.height,
        "warned": int(frame["warned"].sum()),
        "loaded_mib": loaded,
    }


def step_warning_rows(directory: Path) -> dict:
    import polars as pl
    from baselines import early_warning_rows

    from opora.identification.early_warning import EarlyWarningRule
    from opora.identification.engine import SHNOR_FIOCO

    rows = _subset(pl.read_parquet(directory / "school_results.parquet"), ROW_BY_ROW_SCHOOLS)
    rows = rows.to_dicts()
    loaded = _rss_mib()
    runs = timed(
        1,
        lambda: early_warning_rows(rows, rule=SHNOR_FIOCO, warning=EarlyWarningRule(), year=YEAR),
    )
    return {"runs": runs, "rows": len(rows), "schools": ROW_BY_ROW_SCHOOLS, "loaded_mib": loaded}


def step_verify(directory: Path) -> dict:
    """The fast and the plain implementations give the same answers (on samples)."""
    import pandas as pd
    import polars as pl
    from baselines import aggregate_student_results_pandas, identify_low_results_rows

    from opora.assessments.aggregation import KEYS, aggregate_student_results
    from opora.identification.engine import SHNOR_FIOCO, identify_low_results

    students = pl.read_parquet(directory / "students.parquet").head(VERIFY_STUDENT_ROWS)
    fast = aggregate_student_results(students).sort(KEYS)
    plain_input = pd.DataFrame({name: students[name].to_list() for name in students.columns})
    plain = aggregate_student_results_pandas(plain_input.rename(columns={"assessment": "kind"}))
    plain = pl.DataFrame({name: plain[name].to_list() for name in fast.columns})
    aggregation_agrees = plain.cast(fast.schema).sort(KEYS).equals(fast)
    duckdb_agrees = _duckdb_agrees(students, fast)

    subset = _subset(pl.read_parquet(directory / "school_results.parquet"), ROW_BY_ROW_SCHOOLS)
    engine = identify_low_results(subset, rule=SHNOR_FIOCO, year=YEAR)
    reference = identify_low_results_rows(subset.to_dicts(), rule=SHNOR_FIOCO, year=YEAR)
    identification_agrees = (
        all(
            reference[row["school_code"]] == (row["flagged"], row["reasons"])
            for row in engine.iter_rows(named=True)
        )
        and len(reference) == engine.height
    )
    return {
        "runs": [],
        "aggregation_agrees": aggregation_agrees and duckdb_agrees,
        "flags_agree": _flags_agree(directory),
        "identification_agrees": identification_agrees,
        "peers_agree": _peers_agree(directory, subset),
        "warning_agrees": _warning_agrees(subset),
    }


def _duckdb_agrees(students, fast) -> bool:
    import duckdb
    from baselines import aggregate_student_results_duckdb

    from opora.assessments.aggregation import KEYS

    connection = duckdb.connect()
    connection.register("sample", students.to_arrow())
    found = aggregate_student_results_duckdb(connection, table="sample")
    return found.select(fast.columns).cast(fast.schema).sort(KEYS).equals(fast)


def _flags_agree(directory: Path) -> bool:
    """DuckDB's and pandas' flags are the engine's, on the whole country."""
    import duckdb
    import pandas as pd
    import polars as pl
    from baselines import identify_flags_duckdb, identify_flags_pandas

    from opora.identification.engine import SHNOR_FIOCO, identify_low_results

    results = pl.read_parquet(directory / "school_results.parquet")
    engine = identify_low_results(results, rule=SHNOR_FIOCO, year=YEAR)
    expected = set(engine.filter("flagged")["school_code"])
    connection = duckdb.connect()
    connection.register("results", results.to_arrow())
    by_duckdb = identify_flags_duckdb(connection, rule=SHNOR_FIOCO, year=YEAR)
    frame = pd.read_parquet(directory / "school_results.parquet", dtype_backend="pyarrow")
    by_pandas = identify_flags_pandas(frame, rule=SHNOR_FIOCO, year=YEAR)
    return (
        set(by_duckdb.filter("flagged")["school_code"]) == expected
        and set(by_pandas.loc[by_pandas["flagged"], "school_code"]) == expected
        and by_duckdb.height == len(by_pandas) == engine.height
    )


def _peers_agree(directory: Path, subset) -> bool:
    import polars as pl
    from baselines import fair_change_rows

    from opora.identification.peers import PeerRule, fair_change

    schools = pl.read_parquet(directory / "schools.parquet").filter(
        pl.col("school_code").is_in(subset["school_code"].unique().implode())
    )
    fast = fair_change(schools, subset, rule=PeerRule(), year=YEAR - 1)
    plain = fair_change_rows(schools.to_dicts(), subset.to_dicts(), rule=PeerRule(), year=YEAR - 1)
    for row in fast.iter_rows(named=True):
        expected = plain[(row["school_code"], row["metric"])]
        if expected is None:
            if row["difference"] is not None:
                return False
        elif row["difference"] is None or (
            abs(row["difference"] - expected[0]) > 1e-6 or abs(row["margin"] - expected[1]) > 1e-6
        ):
            return False
    return len(plain) == fast.height


def _warning_agrees(subset) -> bool:
    import polars as pl
    from baselines import early_warning_rows

    from opora.identification.early_warning import EarlyWarningRule, early_warning
    from opora.identification.engine import SHNOR_FIOCO

    warning = EarlyWarningRule()
    fast = early_warning(subset, rule=SHNOR_FIOCO, warning=warning, year=YEAR).filter(
        ~pl.col("listed")
    )
    plain = early_warning_rows(subset.to_dicts(), rule=SHNOR_FIOCO, warning=warning, year=YEAR)
    for code, probability in fast.select("school_code", "probability").iter_rows():
        expected = plain.get(code)
        if (expected is None) != (probability is None):
            return False
        if expected is not None and abs(expected - probability) > 1e-6:
            return False
    return len(plain) == fast.height


def _subset(results, schools: int):
    import polars as pl

    codes = results.get_column("school_code").unique().sort().head(schools)
    return results.filter(pl.col("school_code").is_in(codes.implode()))


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


STEPS = {
    "generate": step_generate,
    "aggregate-polars": step_aggregate_polars,
    "aggregate-pandas": step_aggregate_pandas,
    "aggregate-pandas-arrow": step_aggregate_pandas_arrow,
    "aggregate-duckdb": step_aggregate_duckdb,
    "import-polars": step_import_polars,
    "import-pandas": step_import_pandas,
    "identify-engine": step_identify_engine,
    "identify-extended": step_identify_extended,
    "identify-duckdb": step_identify_duckdb,
    "identify-pandas-arrow": step_identify_pandas_arrow,
    "identify-rows": step_identify_rows,
    "peers-engine": step_peers_engine,
    "peers-rows": step_peers_rows,
    "warning-engine": step_warning_engine,
    "warning-rows": step_warning_rows,
    "verify": step_verify,
}


def run_step(name: str, directory: Path) -> None:
    """Child side: run one step and print its figures as JSON on the last line."""
    figures = STEPS[name](directory)
    # ru_maxrss is in KiB on Linux: the peak of this process, data loading included.
    figures["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def spawn(name: str, directory: Path) -> dict:
    command = [sys.executable, __file__, "--step", name, "--dir", str(directory)]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.exit(f"step {name} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure(directory: Path, rounds: int) -> dict[str, dict]:
    """Generate once, take turns over the timed steps `rounds` times, then check the answers."""
    figures = {"generate": spawn("generate", directory)}
    timed_steps = [name for name in STEPS if name not in ("generate", "verify")]
    for round_number in range(1, rounds + 1):
        for name in timed_steps:
            print(f"… round {round_number}/{rounds}: {name}", file=sys.stderr, flush=True)
            figures[name] = _merged(figures.get(name), spawn(name, directory))
    figures["verify"] = spawn("verify", directory)
    for data in figures.values():
        data["best"] = min(data["runs"]) if data["runs"] else None
    return figures


def _merged(before: dict | None, now: dict) -> dict:
    if before is None:
        return now
    return {
        **now,
        "runs": before["runs"] + now["runs"],
        "peak_mib": max(before["peak_mib"], now["peak_mib"]),
    }


# --- Report ---------------------------------------------------------------------------------------


def machine() -> dict:
    import duckdb
    import numpy
    import pandas
    import polars
    import pyarrow

    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpus": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "ram_gib": round(memory_kib / 1024**2, 1),
        "python": platform.python_version(),
        "polars": polars.__version__,
        "pandas": pandas.__version__,
        "duckdb": duckdb.__version__,
        "pyarrow": pyarrow.__version__,
        "numpy": numpy.__version__,
        "load_average": os.getloadavg(),
    }


def report(figures: dict, host: dict, rounds: int) -> str:
    scale = figures["identify-engine"]["schools"] / figures["identify-rows"]["schools"]
    rows_timed = figures["identify-rows"]["schools"]
    rows_scaled = figures["identify-rows"]["best"] * scale
    aggregation = figures["aggregate-pandas"]["best"] / figures["aggregate-polars"]["best"]
    arrow_ratio = figures["aggregate-pandas-arrow"]["best"] / figures["aggregate-polars"]["best"]
    duckdb_ratio = figures["aggregate-duckdb"]["best"] / figures["aggregate-polars"]["best"]
    imports = figures["import-pandas"]["best"] / figures["import-polars"]["best"]
    identification = rows_scaled / figures["identify-engine"]["best"]
    polars_rate = figures["aggregate-polars"]["rows"] / figures["aggregate-polars"]["best"]
    engine = figures["identify-engine"]
    lines = [
        f"Machine: {host['cpus']} CPU ({host['cpu_model']}), {host['ram_gib']} GiB RAM; "
        f"Python {host['python']}, polars {host['polars']}, pandas {host['pandas']}, "
        f"numpy {host['numpy']}, pyarrow {host['pyarrow']}, DuckDB {host['duckdb']}; "
        "load average at start / end "
        + " ".join(f"{value:.2f}" for value in host["load_average"])
        + " / "
        + " ".join(f"{value:.2f}" for value in host["load_average_at_end"]),
        f"Data: {engine['schools']:,} schools, {engine['rows']:,} school results "
        f"(16 assessments × 3 years), {figures['aggregate-polars']['rows']:,} student rows. "
        f"Times are the best of {rounds} runs, one per round, each step in its own process "
        f"(identification, both sides: best of {rounds} × {IDENTIFICATION_REPEAT} runs).",
        "",
        f"{'step':<64}{'time, s':>9}{'rows/s':>12}{'peak RSS':>11}",
    ]

    def line(label: str, step: str, rows: int | None = None, seconds: float | None = None):
        data = figures[step]
        seconds = data["best"] if seconds is None else seconds
        rate = f"{rows / seconds / 1e6:.2f} M" if rows else ""
        lines.append(f"{label:<64}{seconds:>9.3f}{rate:>12}{data['peak_mib']:>7.0f} MiB")

    line("generate the country (numpy, polars; files in /tmp)", "generate")
    rows = figures["aggregate-polars"]["rows"]
    line("student rows → school results, polars (in memory)", "aggregate-polars", rows)
    line("student rows → school results, pandas (in memory)", "aggregate-pandas", rows)
    line("student rows → school results, pandas pyarrow dtypes", "aggregate-pandas-arrow", rows)
    line("student rows → school results, DuckDB (table in memory)", "aggregate-duckdb", rows)
    line("CSV file → school results, polars (read + aggregate)", "import-polars", rows)
    line("CSV file → school results, pandas (read + aggregate)", "import-pandas", rows)
    line("identify 40,000 schools, engine, ШНОР ФИОКО", "identify-engine")
    line("identify 40,000 schools, engine, ШНОР extended", "identify-extended")
    line("identify 40,000 schools, DuckDB SQL (flags only, no reasons)", "identify-duckdb")
    line("identify 40,000 schools, pandas pyarrow (flags only)", "identify-pandas-arrow")
    line(
        f"identify 40,000 schools, row-by-row Python ({rows_timed:,} timed, ×{scale:g})",
        "identify-rows",
        seconds=rows_scaled,
    )
    peers_scale = figures["peers-engine"]["schools"] / figures["peers-rows"]["schools"]
    peers_rows = figures["peers-rows"]["best"] * peers_scale
    warning_scale = figures["warning-engine"]["schools"] / figures["warning-rows"]["schools"]
    warning_rows = figures["warning-rows"]["best"] * warning_scale
    line("fair change against comparable schools, engine", "peers-engine")
    line(
        f"fair change, row-by-row Python ({figures['peers-rows']['schools']:,} timed, "
        f"×{peers_scale:g})",
        "peers-rows",
        seconds=peers_rows,
    )
    line("early warning (risk group for next year), engine", "warning-engine")
    line(
        f"early warning, row-by-row Python ({figures['warning-rows']['schools']:,} timed, "
        f"×{warning_scale:g})",
        "warning-rows",
        seconds=warning_rows,
    )
    verified = figures["verify"]
    lines += [
        "",
        f"aggregation: {polars_rate / 1e6:.2f} M rows/s (goal ≥ 1 M) — {_met(polars_rate >= 1e6)}; "
        f"polars {aggregation:.1f}× pandas (goal ≥ 5×) — {_met(aggregation >= 5)}",
        f"aggregation against the fast peers: polars {arrow_ratio:.1f}× pandas with pyarrow "
        f"dtypes (goal ≥ 5×) — {_met(arrow_ratio >= 5)}; {duckdb_ratio:.2f}× DuckDB "
        f"(goal ≥ 1×, not slower) — {_met(duckdb_ratio >= 1)}",
        f"identification against the fast peers (they compute flags only): engine "
        f"{figures['identify-duckdb']['best'] / engine['best']:.2f}× DuckDB, "
        f"{figures['identify-pandas-arrow']['best'] / engine['best']:.1f}× pandas pyarrow; "
        f"flagged: engine {engine['flagged']:,}, DuckDB {figures['identify-duckdb']['flagged']:,}, "
        f"pandas {figures['identify-pandas-arrow']['flagged']:,}",
        f"CSV import end to end: polars {imports:.1f}× pandas",
        f"identification: {engine['best']:.3f} s (goal < 1 s) — {_met(engine['best'] < 1)}; "
        f"engine {identification:.1f}× row-by-row (goal ≥ 20×) — {_met(identification >= 20)}; "
        f"{engine['flagged']:,} of {engine['schools']:,} schools flagged",
        "peak memory: every step "
        + _met(all(data["peak_mib"] < 4096 for data in figures.values()))
        + " the 4 GiB limit (peak RSS of the step's own process, input data included)",
        f"fair change: {figures['peers-engine']['best']:.3f} s (goal < 2 s) — "
        f"{_met(figures['peers-engine']['best'] < 2)}; engine "
        f"{peers_rows / figures['peers-engine']['best']:.1f}× row-by-row",
        f"early warning: {figures['warning-engine']['best']:.3f} s (goal < 2 s) — "
        f"{_met(figures['warning-engine']['best'] < 2)}; engine "
        f"{warning_rows / figures['warning-engine']['best']:.1f}× row-by-row; "
        f"{figures['warning-engine']['warned']:,} schools warned",
        f"answers agree (samples): aggregation {_yes(verified['aggregation_agrees'])} "
        f"(pandas, DuckDB), flags of DuckDB and pandas {_yes(verified['flags_agree'])}, "
        f"identification {_yes(verified['identification_agrees'])}, "
        f"fair change {_yes(verified['peers_agree'])}, "
        f"early warning {_yes(verified['warning_agrees'])}",
    ]
    return "\n".join(lines)


def _met(condition: bool) -> str:
    return "met" if condition else "NOT met"


def _yes(condition: bool) -> str:
    return "yes" if condition else "NO"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/opora-bench"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    if options.step:
        run_step(options.step, options.dir)
        return
    host = machine()
    figures = measure(options.dir, options.rounds)
    host["load_average_at_end"] = os.getloadavg()
    print(report(figures, host, options.rounds))
    if options.json:
        options.json.write_text(json.dumps({"machine": host, "steps": figures}, indent=2))


if __name__ == "__main__":
    main()
