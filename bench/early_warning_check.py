"""The early warning checked against a generated history with a known mechanism: for each year Y,
how many of the schools warned with the list for Y entered the list for Y + 1 (precision), and how
many of those who entered had been warned (recall); the simple rule «one assessment at the
threshold last year» alongside.

Run from the repository root: `python bench/early_warning_check.py` (make bench does).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generate import generate_history  # noqa: E402
from opora.identification.early_warning import EarlyWarningRule, warning_check  # noqa: E402
from opora.identification.engine import SHNOR_FIOCO  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--schools", type=int, default=4_000)
    parser.add_argument("--min-probability", type=float, default=EarlyWarningRule().min_probability)
    options = parser.parse_args()
    history = generate_history(schools=options.schools)
    warning = EarlyWarningRule(min_probability=options.min_probability)
    check = warning_check(history, rule=SHNOR_FIOCO, warning=warning, years=[2021, 2022, 2023])
    print(f"Early warning on a generated history of {options.schools:,} schools, rule ШНОР ФИОКО")
    print(
        f"{'list':<10}{'warned':>8}{'entered':>9}{'both':>6}{'precision':>11}{'recall':>8}"
        f"{'simple: warned':>16}{'precision':>11}{'recall':>8}"
    )
    for row in check.iter_rows(named=True):
        print(
            f"{row['year'] + 1:<10}{row['warned']:>8}{row['entered']:>9}{row['hits']:>6}"
            f"{row['precision']:>11.2f}{row['recall']:>8.2f}{row['simple_warned']:>16}"
            f"{row['simple_precision']:>11.2f}{row['simple_recall']:>8.2f}"
        )
    totals = check.sum()
    print(
        f"{'all':<10}{totals['warned'][0]:>8}{totals['entered'][0]:>9}{totals['hits'][0]:>6}"
        f"{totals['hits'][0] / totals['warned'][0]:>11.2f}"
        f"{totals['hits'][0] / totals['entered'][0]:>8.2f}{totals['simple_warned'][0]:>16}"
        f"{totals['simple_hits'][0] / totals['simple_warned'][0]:>11.2f}"
        f"{totals['simple_hits'][0] / totals['entered'][0]:>8.2f}"
    )


if __name__ == "__main__":
    main()
