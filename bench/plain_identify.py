"""The peer of `manage.py identify` in bench/identify_db.py: a plain Python script that reads the
school results from a CSV file with the csv module, identifies with the row-by-row loop of
baselines.py (same rule, same answers) and writes school_code, flagged, rule, reasons as CSV.

Usage: python bench/plain_identify.py RESULTS.csv --year 2024 --output OUT.csv
"""

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from baselines import identify_low_results_rows  # noqa: E402

from opora.identification.engine import SHNOR_FIOCO  # noqa: E402

NUMBERS = ("year", "grade", "participants", "mark_2", "mark_3", "mark_4", "mark_5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--output", type=Path, required=True)
    options = parser.parse_args()
    with options.results.open(encoding="utf-8", newline="") as stream:
        rows = [
            {key: int(value) if key in NUMBERS else value for key, value in row.items()}
            for row in csv.DictReader(stream)
        ]
    verdicts = identify_low_results_rows(rows, rule=SHNOR_FIOCO, year=options.year)
    with options.output.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["school_code", "flagged", "rule", "reasons"])
        for code, (flagged, reasons) in sorted(verdicts.items()):
            writer.writerow([code, int(flagged), "shnor-fioco", "; ".join(reasons)])


if __name__ == "__main__":
    main()
