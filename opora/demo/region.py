"""Invented municipalities of the demo region (opora/demo/data/region/saratov.json).

The seeds give one Saratov municipality (Ивантеевка); the region's pages need several to compare.
These are invented, every name says «(пример)», and their results are generated here from a
fixed seed: the school-level shares of «2» cross the 30 % threshold exactly where the data file
says, so the built-in ФИОКО rule finds the lists docs/demo-data.md describes, whatever the
other random numbers are. Only school-level figures: there are no students here."""

import csv
import io
import json
import random
from collections import Counter
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "region" / "saratov.json"
MARK = "(пример)"
THRESHOLD_TENTHS = 3  # the ФИОКО rule's 30 % of «2», counted inclusively

# The procedures of Ивантеевка's results (the ФИОКО set): assessment, subject, grade.
PROCEDURES = [
    ("ВПР", "math", 5),
    ("ВПР", "rus", 5),
    ("ВПР", "math", 6),
    ("ВПР", "rus", 6),
    ("ОГЭ", "math", 9),
    ("ОГЭ", "rus", 9),
]
# Share of «2» below the threshold, and weights of «3», «4», «5», by the school's level.
LEVELS = {
    "strong": ((0.0, 0.06), (3, 5, 3)),
    "middle": ((0.03, 0.15), (5, 4, 1)),
    "weak": ((0.1, 0.25), (6, 3, 1)),
}
TYPE_NAMES = {
    "СОШ": "средняя общеобразовательная школа",
    "ООШ": "основная общеобразовательная школа",
}


def example_region() -> dict:
    return json.loads(DATA_FILE.read_text("utf-8"))


def registry_data(region: dict, municipality: dict) -> dict:
    """The municipality in the shape of a seed's data file (opora/demo/data/<code>.json)."""
    settlements = Counter(s[2] for s in municipality["schools"])
    numbers: Counter = Counter()
    schools = []
    for suffix, school_type, settlement, distance, _level, _size, _low in municipality["schools"]:
        numbers[settlement] += 1
        number = f" № {numbers[settlement]}" if settlements[settlement] > 1 else ""
        short = f"{school_type}{number} {settlement}"
        schools.append(
            {
                "code": f"{municipality['code']}-{suffix}",
                "name": f"МОУ «{short}» {MARK}",
                "short_name": f"{short} {MARK}",
                "type": school_type,
                "parent": None,
                "settlement": f"{settlement} {MARK}",
                "is_rural": not settlement.startswith("г. "),
                "distance_km": distance,
                "is_small": school_type == "ООШ",
                "synthetic": True,
            }
        )
    return {
        "region": region["region"],
        "municipality": {
            "code": municipality["code"],
            "name": municipality["name"],
            "center": municipality["center"],
        },
        "schools": schools,
    }


def results_csv(region: dict, municipality: dict) -> bytes:
    """School-level results of the region's years, in the format of opora/demo/data/results."""
    rng = random.Random(f"{region['seed']}-{municipality['code']}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "school_code",
            "year",
            "assessment",
            "subject",
            "grade",
            "participants",
            "mark_2",
            "mark_3",
            "mark_4",
            "mark_5",
        ]
    )
    for suffix, _type, _settlement, _distance, level, size, low in municipality["schools"]:
        code = f"{municipality['code']}-{suffix}"
        for year in region["years"]:
            low_year = set(low.get(str(year), []))
            # One class per grade and year: both subjects are written by the same children.
            classes = {g: max(2, round(size * rng.uniform(0.8, 1.2))) for g in (5, 6, 9)}
            for assessment, subject, grade in PROCEDURES:
                participants = classes[grade]
                marks = _marks(
                    rng, participants, level, low=f"{assessment} {subject} {grade}" in low_year
                )
                writer.writerow([code, year, assessment, subject, grade, participants, *marks])
    return out.getvalue().encode("utf-8")


def _marks(rng: random.Random, participants: int, level: str, *, low: bool) -> list[int]:
    """Counts of «2»…«5»; the share of «2» is at least the threshold exactly when `low`."""
    (lowest, highest), weights = LEVELS[level]
    # The fewest «2» reaching the threshold, in integers: 0.3 * 10 is not 3 in floats.
    at_threshold = (THRESHOLD_TENTHS * participants + 9) // 10
    if low:
        twos = max(at_threshold, round(participants * rng.uniform(0.32, 0.45)))
    else:
        twos = min(round(participants * rng.uniform(lowest, highest)), at_threshold - 1)
    rest = participants - twos
    counts = [0, 0, 0]
    for _ in range(rest):
        counts[rng.choices(range(3), weights=weights)[0]] += 1
    return [twos, *counts]
