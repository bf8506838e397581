"""Effectiveness of measures: a verdict «эффективно» / «неэффективно» / «недостаточно данных»
for a measure at a school, by a rule's parameters, always with its reasons in words (seed 000,
«Заключение об эффективности принятых мер»); and whether a school has left the list.
Pure Python and polars, no Django: the page, the report and the tests call the same functions."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from opora.monitoring.dynamics import figure
from opora.words import agree

EFFECTIVE = "effective"
INEFFECTIVE = "ineffective"
NO_DATA = "no_data"
VERDICT_LABELS = {
    EFFECTIVE: "эффективно",
    INEFFECTIVE: "неэффективно",
    NO_DATA: "недостаточно данных",
}
KIND_LABELS = {"VPR": "ВПР", "OGE": "ОГЭ", "EGE": "ЕГЭ", "KDR": "КДР"}
# Achievement statuses of programs/achievement.py, repeated here to stay free of Django.
ACHIEVED, NOT_ACHIEVED, NOT_MEASURED = "achieved", "not_achieved", "no_data"


@dataclass(frozen=True)
class ResultsCriterion:
    """Доля «2» fell in at least `min_fewer_twos` assessments and is below `max_twos` % in
    every one of them in the year judged."""

    kinds: tuple[str, ...] = ("VPR", "OGE")
    subjects: tuple[str, ...] = ()  # empty: every subject
    min_fewer_twos: int = 1
    max_twos: float = 30.0
    min_participants: int = 1


@dataclass(frozen=True)
class IndicatorsCriterion:
    """At least `min_achieved_percent` % of the measure's target indicators reached."""

    min_achieved_percent: float = 50.0


@dataclass(frozen=True)
class PeersCriterion:
    """The school beat comparable schools beyond the interval in at least one of `metrics` and
    fell behind them beyond it in none (opora/identification/peers.py, docs/methods.md)."""

    metrics: tuple[str, ...] = ("twos", "quality")


@dataclass(frozen=True)
class PeersEvidence:
    """peers.fair_change_verdicts for one school: «эффективно», «неэффективно» or «не оценено»
    and a reason per metric."""

    verdict: str
    reasons: list[str]


@dataclass(frozen=True)
class EffectivenessParams:
    results: ResultsCriterion | None
    indicators: IndicatorsCriterion | None
    peers: PeersCriterion | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "EffectivenessParams":
        """Reads a rule's JSON; raises ValueError (in Russian) for wrong parameters."""
        unknown = set(params) - {"results", "indicators", "peers"}
        if unknown:
            raise ValueError(f"Неизвестные разделы правила: {', '.join(sorted(unknown))}")
        results = indicators = None
        if params.get("results") is not None:
            data = dict(params["results"])
            for key in ("kinds", "subjects"):
                if key in data:
                    data[key] = tuple(data[key] or ())
            try:
                results = ResultsCriterion(**data)
            except TypeError as error:
                raise ValueError(f"Неверные параметры условия по результатам: {error}") from None
            if not results.kinds or set(results.kinds) - set(KIND_LABELS):
                raise ValueError("Процедуры условия по результатам: VPR, OGE, EGE или KDR")
            if results.min_fewer_twos < 0 or not 0 < results.max_twos <= 100:
                raise ValueError("Число процедур не меньше 0, порог доли «2» — от 0 до 100 %")
        if params.get("indicators") is not None:
            try:
                indicators = IndicatorsCriterion(**params["indicators"])
            except TypeError as error:
                raise ValueError(f"Неверные параметры условия по показателям: {error}") from None
            if not 0 <= indicators.min_achieved_percent <= 100:
                raise ValueError("Доля достигнутых показателей — от 0 до 100 %")
        peers = None
        if params.get("peers") is not None:
            metrics = tuple(params["peers"].get("metrics") or ("twos", "quality"))
            if set(metrics) - {"twos", "success", "quality"}:
                raise ValueError("Сравнение с похожими школами — по twos, success или quality")
            peers = PeersCriterion(metrics)
        if results is None and indicators is None and peers is None:
            raise ValueError("В правиле должно быть хотя бы одно условие")
        return cls(results, indicators, peers)

    def conditions(self) -> list[str]:
        """The rule's conditions in words, for the page that shows a measure's verdicts."""
        said = []
        if self.results:
            r = self.results
            kinds = ", ".join(KIND_LABELS[k] for k in r.kinds)
            subjects = f" ({', '.join(r.subjects)})" if r.subjects else ""
            fewer, least = r.min_fewer_twos, r.min_participants
            said.append(
                f"{kinds}{subjects}: доля «2» снизилась хотя бы в {fewer} "
                f"{agree(fewer, 'процедура', 'loct')} и везде ниже "
                f"{r.max_twos:g} %; в расчёт идут процедуры от {least} "
                f"{agree(least, 'участник', 'gent')}"
            )
        if self.indicators:
            said.append(
                f"достигнуто не меньше {self.indicators.min_achieved_percent:g} % "
                "целевых показателей меры"
            )
        if self.peers:
            names = {"twos": "доля «2»", "success": "успеваемость", "quality": "качество знаний"}
            metrics = ", ".join(names[m] for m in self.peers.metrics)
            said.append(f"школа опередила похожие школы больше погрешности: {metrics}")
        return said


@dataclass
class ResultsEvidence:
    """One school's assessments of the year compared with the year before."""

    compared: int = 0
    fewer: list[str] = field(default_factory=list)  # «ВПР русский язык 5 кл.: 11,1 → 10,0 %»
    more: list[str] = field(default_factory=list)
    above: list[str] = field(default_factory=list)  # at or over the threshold this year


@dataclass(frozen=True)
class IndicatorOutcome:
    name: str
    status: str  # ACHIEVED, NOT_ACHIEVED or NOT_MEASURED
    actual: str = ""
    target: str = ""


@dataclass
class Judgement:
    verdict: str
    reasons: list[str]

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]


def results_evidence(
    dynamics: pl.DataFrame, criterion: ResultsCriterion, *, subject_labels: Mapping[str, str]
) -> dict[str, ResultsEvidence]:
    """For every school in `dynamics` (from dynamics.school_dynamics) the assessments where
    доля «2» fell, rose, or is at or above the threshold."""
    chosen = dynamics.filter(
        pl.col("kind").is_in(list(criterion.kinds))
        & (pl.col("participants") >= criterion.min_participants)
    )
    if criterion.subjects:
        chosen = chosen.filter(pl.col("subject").is_in(list(criterion.subjects)))
    evidence: dict[str, ResultsEvidence] = {}
    rows = chosen.sort("school_code", "kind", "grade", "subject").iter_rows(named=True)
    for row in rows:
        entry = evidence.setdefault(row["school_code"], ResultsEvidence())
        label = (
            f"{KIND_LABELS.get(row['kind'], row['kind'])} "
            f"{subject_labels.get(row['subject'], row['subject'])} {row['grade']} кл."
        )
        twos, before = row["twos"], row["twos_before"]
        if twos is not None and twos >= criterion.max_twos:
            entry.above.append(f"{label}: {figure(twos)} %")
        if twos is None or before is None:
            continue
        entry.compared += 1
        text = f"{label}: {figure(before)} → {figure(twos)} %"
        if twos < before:
            entry.fewer.append(text)
        elif twos > before:
            entry.more.append(text)
    return evidence


def judge(
    params: EffectivenessParams,
    *,
    results: ResultsEvidence | None,
    indicators: list[IndicatorOutcome],
    year_label: str,
    peers: PeersEvidence | None = None,
) -> Judgement:
    """The verdict for one measure at one school and the reasons that lead to it. A criterion
    not met makes the measure ineffective; one without data leaves the verdict open."""
    outcomes: list[bool | None] = []
    reasons: list[str] = []
    if params.results is not None:
        met, said = _results_reasons(params.results, results, year_label)
        outcomes.append(met)
        reasons += said
    if params.indicators is not None:
        if not indicators:
            reasons.append("У меры нет целевых показателей: условие по показателям не применяется.")
        else:
            met, said = _indicator_reasons(params.indicators, indicators)
            outcomes.append(met)
            reasons += said
    if params.peers is not None:
        if peers is None or peers.verdict == "не оценено":
            outcomes.append(None)
            reasons.append("Сравнить с похожими школами нельзя: нет результатов двух лет.")
        else:
            outcomes.append(peers.verdict == "эффективно")
            beat = "опередила" if peers.verdict == "эффективно" else "не опередила"
            reasons.append(f"Относительно похожих школ школа {beat} их больше погрешности.")
            reasons += peers.reasons
    if False in outcomes:
        verdict = INEFFECTIVE
        head = "Мера неэффективна: не выполнено условие правила."
    elif None in outcomes or not outcomes:
        verdict = NO_DATA
        head = "Недостаточно данных, чтобы судить об эффективности меры."
    else:
        verdict = EFFECTIVE
        head = "Мера эффективна: выполнены все условия правила."
    return Judgement(verdict, [head, *reasons])


def _results_reasons(
    criterion: ResultsCriterion, evidence: ResultsEvidence | None, year_label: str
) -> tuple[bool | None, list[str]]:
    kinds = ", ".join(KIND_LABELS[k] for k in criterion.kinds)
    if evidence is None or evidence.compared == 0:
        return None, [
            f"Нет результатов {kinds} за {year_label} и предыдущий год: "
            "динамику доли «2» не с чем сравнить."
        ]
    fewer = len(evidence.fewer)
    reasons = [
        f"Доля «2» снизилась в {fewer} из {evidence.compared} процедур {kinds} "
        f"(нужно не менее {criterion.min_fewer_twos})"
        + (": " + "; ".join(evidence.fewer) if evidence.fewer else "")
        + "."
    ]
    threshold = figure(criterion.max_twos).removesuffix(",0")
    if evidence.above:
        reasons.append(
            f"Доля «2» {threshold} % и выше в {year_label}: " + "; ".join(evidence.above) + "."
        )
    else:
        reasons.append(f"Ни в одной процедуре {year_label} доля «2» не достигает {threshold} %.")
    if evidence.more:
        reasons.append("Доля «2» выросла: " + "; ".join(evidence.more) + ".")
    return fewer >= criterion.min_fewer_twos and not evidence.above, reasons


def _indicator_reasons(
    criterion: IndicatorsCriterion, indicators: list[IndicatorOutcome]
) -> tuple[bool | None, list[str]]:
    judged = [i for i in indicators if i.status != NOT_MEASURED]
    unmeasured = [f"«{i.name}»" for i in indicators if i.status == NOT_MEASURED]
    reasons = []
    if unmeasured:
        reasons.append("Нет значения за год или целевого значения: " + ", ".join(unmeasured) + ".")
    if not judged:
        return None, reasons
    achieved = sum(i.status == ACHIEVED for i in judged)
    share = 100 * achieved / len(judged)
    minimum = figure(criterion.min_achieved_percent).removesuffix(",0")
    reasons.insert(
        0,
        f"Достигнуто целевых показателей: {achieved} из {len(judged)} "
        f"({figure(share, 0)} %, нужно не менее {minimum} %).",
    )
    for item in judged:
        word = "достигнут" if item.status == ACHIEVED else "не достигнут"
        reasons.append(f"«{item.name}» {word}: факт {item.actual}, цель {item.target}.")
    return share >= criterion.min_achieved_percent, reasons


# --- Leaving the list -----------------------------------------------------------------------

IN_LIST = "in_list"
LEFT = "left"
LEAVING = "leaving"
NEVER = "never"
LIST_LABELS = {
    IN_LIST: "в списке",
    LEFT: "вышла из списка",
    LEAVING: "не отобрана, выход ещё не подтверждён",
    NEVER: "в списке не была",
}


@dataclass
class ListStatus:
    status: str
    reason: str
    history: list[tuple[int, bool]]  # (year of the list, flagged), oldest first

    @property
    def label(self) -> str:
        return LIST_LABELS[self.status]


def list_status(
    flags: Mapping[int, bool], *, years_to_leave: int = 2, year_label=str
) -> ListStatus:
    """A school leaves the list when, after a year it was in it, it is not selected in
    `years_to_leave` consecutive lists. A year without a list breaks the run: it proves nothing."""
    history = sorted(flags.items())
    flagged_years = [year for year, flagged in history if flagged]
    if not flagged_years:
        return ListStatus(NEVER, "ни в одном списке школа не отобрана", history)
    last = flagged_years[-1]
    after = []
    for expected, (year, flagged) in enumerate(
        [(y, f) for y, f in history if y > last], start=last + 1
    ):
        if year != expected or flagged:
            break
        after.append(year)
    if not after:
        return ListStatus(IN_LIST, f"в списке на {year_label(last)}", history)
    years = ", ".join(year_label(y) for y in after)
    if len(after) >= years_to_leave:
        return ListStatus(
            LEFT,
            f"не отбирается {len(after)} года подряд ({years}) после списка на {year_label(last)}",
            history,
        )
    return ListStatus(
        LEAVING,
        f"не отобрана на {years}; для выхода из списка нужно {years_to_leave} года подряд",
        history,
    )
