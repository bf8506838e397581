"""Straightforward implementations the benchmark compares against: pandas for the aggregation of
student rows, a row-by-row Python loop for identification. Same semantics as the engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from opora.identification.engine import (
    LowResultsRule,
    format_ignored_reason,
    format_low_result_reason,
    format_years,
)

KEYS = ["school_code", "year", "kind", "subject", "grade"]
_KIND_RANK = {"VPR": 0, "OGE": 1, "EGE": 2, "KDR": 3}


def aggregate_student_results_pandas(frame: pd.DataFrame) -> pd.DataFrame:
    """The aggregation of opora.assessments.aggregation written the plain pandas way."""
    mark, journal = frame["mark"], frame["journal_mark"]  # NaN journal marks compare as False
    counts = frame[KEYS].assign(
        participants=1,
        mark_2=mark == 2,
        mark_3=mark == 3,
        mark_4=mark == 4,
        mark_5=mark == 5,
        journal_lowered=mark < journal,
        journal_confirmed=mark == journal,
        journal_raised=mark > journal,
    )
    return counts.groupby(KEYS, sort=False).sum().reset_index()


def aggregate_student_results_duckdb(connection, table: str = "students"):
    """The same aggregation in DuckDB SQL over a table already in its memory; a polars frame."""
    keys = ", ".join(KEYS).replace("kind", "assessment AS kind")
    return connection.sql(
        f"""SELECT {keys}, count(*) AS participants,
            count(*) FILTER (WHERE mark = 2) AS mark_2,
            count(*) FILTER (WHERE mark = 3) AS mark_3,
            count(*) FILTER (WHERE mark = 4) AS mark_4,
            count(*) FILTER (WHERE mark = 5) AS mark_5,
            count(*) FILTER (WHERE mark < journal_mark) AS journal_lowered,
            count(*) FILTER (WHERE mark = journal_mark) AS journal_confirmed,
            count(*) FILTER (WHERE mark > journal_mark) AS journal_raised
        FROM {table} GROUP BY ALL"""
    ).pl()


def _fioco_flags_sql(rule: LowResultsRule, year: int) -> tuple[str, str]:
    """The selectors as a VALUES list and the years window of the rule, for the SQL peers."""
    selectors = ", ".join(
        f"('{s.kind}', {repr(s.subject) if s.subject else 'NULL'}, {s.grade or 'NULL'})"
        for s in rule.selectors
    )
    return selectors, f"{year - rule.years_back} AND {year - 1}"


def identify_flags_duckdb(connection, *, rule: LowResultsRule, year: int, table: str = "results"):
    """Which schools the rule flags, in DuckDB SQL: school_code, flagged. Flags only, without the
    reasons the engine writes for every school: less work than the engine does."""
    selectors, years = _fioco_flags_sql(rule, year)
    two = rule.min_hits_last_year or 10**9
    chain = rule.consecutive_years or 10**9
    return connection.sql(
        f"""WITH chosen(kind, subject, grade) AS (VALUES {selectors}),
        hits AS (
            SELECT r.school_code, r.year FROM {table} r JOIN chosen c ON r.kind = c.kind
                AND (c.subject IS NULL OR r.subject = c.subject)
                AND (c.grade IS NULL OR r.grade = c.grade)
            WHERE r.year BETWEEN {years} AND r.participants >= {rule.min_participants}
                AND r.mark_2 / r.participants >= {rule.threshold})
        SELECT s.school_code, coalesce(
            count(h.year) FILTER (WHERE h.year = {year - 1}) >= {two}
            OR count(DISTINCT h.year) >= {chain}, false) AS flagged
        FROM (SELECT DISTINCT school_code FROM {table}) s
        LEFT JOIN hits h USING (school_code) GROUP BY s.school_code"""
    ).pl()


def identify_flags_pandas(frame: pd.DataFrame, *, rule: LowResultsRule, year: int) -> pd.DataFrame:
    """The same flags with pandas (whatever dtype backend `frame` has): school_code, flagged."""
    chosen = pd.Series(False, index=frame.index)
    for selector in rule.selectors:
        match = frame["kind"] == selector.kind
        if selector.subject is not None:
            match &= frame["subject"] == selector.subject
        if selector.grade is not None:
            match &= frame["grade"] == selector.grade
        chosen |= match
    window = frame["year"].between(year - rule.years_back, year - 1)
    counted = frame["participants"] >= rule.min_participants
    hit = chosen & window & counted & (frame["mark_2"] / frame["participants"] >= rule.threshold)
    hits = frame.loc[hit.fillna(False).astype(bool), ["school_code", "year"]]
    last = hits[hits["year"] == year - 1].groupby("school_code").size()
    years = hits.groupby("school_code")["year"].nunique()
    codes = pd.Index(frame["school_code"].unique(), name="school_code")
    last, years = last.reindex(codes, fill_value=0), years.reindex(codes, fill_value=0)
    flagged = (last >= (rule.min_hits_last_year or 10**9)) | (
        years >= (rule.consecutive_years or 10**9)
    )
    return flagged.rename("flagged").reset_index()


def identify_low_results_rows(
    rows: Iterable[Mapping],
    *,
    rule: LowResultsRule,
    year: int,
    subject_labels: Mapping[str, str] | None = None,
) -> dict[str, tuple[bool, list[str]]]:
    """identify_low_results one row at a time, as a loop over ORM objects would do it.

    Returns school_code → (flagged, reasons) for every school present in `rows`.
    """
    years = [year - back for back in range(1, rule.years_back + 1)]
    schools: dict[str, dict[str, list]] = {}
    for row in rows:
        school = schools.setdefault(row["school_code"], {"hits": [], "ignored": [], "seen": []})
        if row["year"] not in years or not _selected(row, rule):
            continue
        school["seen"].append(row)
        if row["participants"] < rule.min_participants:
            school["ignored"].append(row)
        elif row["mark_2"] / row["participants"] >= rule.threshold:
            school["hits"].append(row)
    return {
        code: _verdict(school, rule=rule, year=year, years=years, subject_labels=subject_labels)
        for code, school in schools.items()
    }


def _selected(row: Mapping, rule: LowResultsRule) -> bool:
    return any(
        row["kind"] == selector.kind
        and selector.subject in (None, row["subject"])
        and selector.grade in (None, row["grade"])
        for selector in rule.selectors
    )


def _order(row: Mapping) -> tuple:
    rank = _KIND_RANK.get(row["kind"], len(_KIND_RANK))
    return (-row["year"], rank, row["grade"], row["subject"])


def _verdict(school, *, rule, year, years, subject_labels) -> tuple[bool, list[str]]:
    hits = sorted(school["hits"], key=_order)
    last_year = sum(1 for row in hits if row["year"] == year - 1)
    hit_years = len({row["year"] for row in hits})
    flagged = (rule.min_hits_last_year is not None and last_year >= rule.min_hits_last_year) or (
        rule.consecutive_years is not None and hit_years >= rule.consecutive_years
    )
    reasons = [
        format_low_result_reason(
            kind=row["kind"],
            subject=row["subject"],
            grade=row["grade"],
            year=row["year"],
            twos=row["mark_2"],
            participants=row["participants"],
            threshold=rule.threshold,
            subject_labels=subject_labels,
        )
        for row in hits
    ]
    reasons += [
        format_ignored_reason(
            kind=row["kind"],
            subject=row["subject"],
            grade=row["grade"],
            year=row["year"],
            participants=row["participants"],
            min_participants=rule.min_participants,
            subject_labels=subject_labels,
        )
        for row in sorted(school["ignored"], key=_order)
    ]
    if not school["seen"]:
        reasons.append(f"нет результатов учитываемых оценочных процедур за {format_years(years)}")
    return flagged, reasons


# --- Comparable schools and fair change, one school at a time ----------------------------------


def fair_change_rows(
    schools: list[Mapping], rows: Iterable[Mapping], *, rule, year: int
) -> dict[tuple[str, str], tuple[float, float] | None]:
    """peers.fair_change as a loop over dictionaries: (school_code, metric) → (difference,
    margin), None when nothing can be compared. Same method (docs/methods.md)."""
    import math

    from opora.identification.peers import METRICS

    base = year - 1
    counted: dict[str, dict[tuple, dict[int, dict]]] = {}
    sizes: dict[str, list[int]] = {}
    for row in rows:
        if row["kind"] not in rule.kinds or row["participants"] < rule.min_participants:
            continue
        if row["year"] not in (base, year):
            continue
        key = (row["kind"], row["subject"], row["grade"])
        marks = {m: sum(row[mark] for mark in METRICS[m][0]) for m in METRICS}
        counted.setdefault(row["school_code"], {}).setdefault(key, {})[row["year"]] = {
            "n": row["participants"],
            **marks,
        }
        if row["year"] == base:
            sizes.setdefault(row["school_code"], []).append(row["participants"])
    size = {code: round(sum(v) / len(v)) for code, v in sizes.items()}
    by_region: dict[str, list[Mapping]] = {}
    for school in schools:
        by_region.setdefault(school["region"], []).append(school)
    attributes: dict[str, dict[str, object]] = {}
    for region_schools in by_region.values():
        indexed = sorted(s["social_index"] for s in region_schools if s["social_index"] is not None)
        for school in region_schools:
            code, index = school["school_code"], school["social_index"]
            band = None
            if index is not None:
                rank = indexed.index(index) + 1
                band = (rank - 1) * rule.social_bands // len(indexed)
            size_band = None
            if code in size:
                size_band = sum(1 for bound in rule.size_bounds if size[code] > bound)
            attributes[code] = {
                "social": band,
                "size": size_band,
                "rural": school["is_rural"],
                "type": rule.type_groups.get(school["school_type"], school["school_type"]),
            }
    answers = {}
    for school in schools:
        code, region = school["school_code"], school["region"]
        own = attributes[code]
        peers = None
        for drop in range(len(rule.criteria) + 1):
            used = [c for c in rule.criteria[: len(rule.criteria) - drop] if own[c] is not None]
            members = [
                other["school_code"]
                for other in by_region[region]
                if other["school_code"] in size
                and all(attributes[other["school_code"]][c] == own[c] for c in used)
            ]
            peers = members
            if len(members) - (code in size) >= rule.min_peers:
                break
        for metric in METRICS:
            answers[(code, metric)] = _fair_one(
                code, metric, [p for p in peers if p != code], counted, base, year, rule.z, math
            )
    return answers


def _fair_one(code, metric, peers, counted, base, year, z, math):
    def variance(x, n):
        adjusted = (x + 1) / (n + 2)
        return adjusted * (1 - adjusted) / (n + 2)

    rows = []
    for key, years in counted.get(code, {}).items():
        if base not in years or year not in years:
            continue
        big_n0 = big_n1 = big_x0 = big_x1 = 0
        for peer in peers:
            other = counted.get(peer, {}).get(key, {})
            if base in other and year in other:
                big_n0 += other[base]["n"]
                big_n1 += other[year]["n"]
                big_x0 += other[base][metric]
                big_x1 += other[year][metric]
        if big_n0 and big_n1:
            rows.append((years[base], years[year], big_n0, big_n1, big_x0, big_x1))
    if not rows:
        return None
    n0 = sum(r[0]["n"] for r in rows)
    n1 = sum(r[1]["n"] for r in rows)
    x0 = sum(r[0][metric] for r in rows)
    x1 = sum(r[1][metric] for r in rows)
    peer_before = sum(r[0]["n"] / n0 * r[4] / r[2] for r in rows)
    peer_after = sum(r[1]["n"] / n1 * r[5] / r[3] for r in rows)
    peer_variance = sum(
        (r[0]["n"] / n0) ** 2 * variance(r[4], r[2]) + (r[1]["n"] / n1) ** 2 * variance(r[5], r[3])
        for r in rows
    )
    difference = 100 * (x1 / n1 - x0 / n0) - 100 * (peer_after - peer_before)
    margin = 100 * z * math.sqrt(variance(x0, n0) + variance(x1, n1) + peer_variance)
    return difference, margin


# --- Early warning, one school at a time --------------------------------------------------------


def early_warning_rows(
    rows: Iterable[Mapping], *, rule: LowResultsRule, warning, year: int
) -> dict[str, float | None]:
    """early_warning's probability as a loop over dictionaries: school_code → probability
    (None without results of year − 1) for schools not in the list for `year`."""
    import math

    from opora.identification.early_warning import _NODE_WEIGHTS, _NODES

    listed = {
        c
        for c, (flagged, _) in identify_low_results_rows(rows, rule=rule, year=year).items()
        if flagged
    }
    by_school: dict[str, list[Mapping]] = {}
    for row in rows:
        if (
            year - 3 <= row["year"] <= year - 1
            and _selected(row, rule)
            and row["participants"] >= rule.min_participants
        ):
            by_school.setdefault(row["school_code"], []).append(row)
    answers: dict[str, float | None] = {}
    threshold = rule.threshold
    for code, school_rows in by_school.items():
        if code in listed:
            continue
        pooled: dict[int, list[int]] = {}
        for row in school_rows:
            entry = pooled.setdefault(row["year"], [0, 0])
            entry[0] += row["mark_2"]
            entry[1] += row["participants"]
        years = sorted(pooled)
        shares = [pooled[y][0] / pooled[y][1] for y in years]
        slope = 0.0
        if len(years) > 1:
            mean_year = sum(years) / len(years)
            mean_share = sum(shares) / len(shares)
            slope = sum(
                (y - mean_year) * (s - mean_share) for y, s in zip(years, shares, strict=True)
            )
            slope /= sum((y - mean_year) ** 2 for y in years)
        twos = sum(p[0] for p in pooled.values())
        participants = sum(p[1] for p in pooled.values())
        weighted_year = sum(y * pooled[y][1] for y in years) / participants
        level = twos / participants + warning.trend_weight * slope * (year - weighted_year)
        last = [r for r in school_rows if r["year"] == year - 1]
        if not last:
            answers[code] = None
            continue
        hit_years = {r["year"] for r in school_rows if r["mark_2"] / r["participants"] >= threshold}
        needed = set(range(year - (rule.consecutive_years or 1) + 1, year))
        chain = rule.consecutive_years is not None and needed <= hit_years
        at_least_one = at_least_two = 0.0
        for node, weight in zip(_NODES, _NODE_WEIGHTS, strict=True):
            chances = []
            for row in last:
                n = row["participants"]
                expected = min(
                    max((row["mark_2"] + warning.shrink * level) / (n + warning.shrink), 0), 1
                )
                adjusted = (expected * n + 1) / (n + 2)
                spread = math.sqrt(adjusted * (1 - adjusted) / n)
                x = (threshold - expected - warning.drift * node) / spread
                chances.append(min(max(1 - 0.5 * (1 + math.erf(x / math.sqrt(2))), 0), 1 - 1e-9))
            none = math.prod(1 - c for c in chances)
            at_least_one += weight * (1 - none)
            at_least_two += weight * max(0.0, 1 - none - none * sum(c / (1 - c) for c in chances))
        by_count = (
            (at_least_two if (rule.min_hits_last_year or 1) == 2 else at_least_one)
            if rule.min_hits_last_year
            else 0.0
        )
        answers[code] = max(by_count, at_least_one if chain else 0.0)
    return answers
