"""«Сроки» of roadmaps read as dates: every text of the five seed roadmaps, then the edge cases.

Seed texts are copied verbatim from /work/shared/seeds (dashes, «г.», case and stray commas as
written); each case names its seed and row. The context year is the year the seed's plan starts.
"""

import random
from datetime import date

import pytest

from opora.programs.periods import KINDS, Period, is_overdue, parse_period

D = date


def case(source, text, kind, start=None, end=None, year=None, recurrence="", schedule=""):
    return pytest.param(text, year, kind, start, end, recurrence, schedule, id=source)


# 000 Ивантеевка: «Перечень мероприятий» 2023-2024 (context 2023) and its «Дорожная карта».
SEED_000 = [
    case("000 1.1 Август 2023", "Август 2023", "month", D(2023, 8, 1), D(2023, 8, 31)),
    case("000 1.4 До 01.09.2023", "До 01.09.2023", "until", None, D(2023, 9, 1)),
    case("000 2.1 2024", "2024", "year", D(2024, 1, 1), D(2024, 12, 31)),
    case(
        "000 3.1 Август - сентябрь (context year)",
        "Август - сентябрь",
        "months",
        D(2023, 8, 1),
        D(2023, 9, 30),
        year=2023,
    ),
    case(
        "000 3.2 2023-24 уч. год по отдельному плану",
        "2023-24 уч. год по отдельному плану",
        "academic_year",
        D(2023, 9, 1),
        D(2024, 8, 31),
        schedule="по отдельному плану",
    ),
    case("000 4.1 ежегодно", "ежегодно", "recurring", recurrence="ежегодно"),
    case("000 ДК 1 Май-июнь 2023", "Май-июнь 2023", "months", D(2023, 5, 1), D(2023, 6, 30)),
    case("000 ДК 2 до 1 августа 2023 г.", "до 1 августа 2023 г.", "until", None, D(2023, 8, 1)),
    case(
        "000 ДК 3 август 2023 г., ежегодно",
        "август 2023 г., ежегодно",
        "month",
        D(2023, 8, 1),
        D(2023, 8, 31),
        recurrence="ежегодно",
    ),
    case(
        "000 ДК 4 2023/2024 уч.год по срокам приказа",
        "2023/2024 уч.год по срокам приказа",
        "academic_year",
        D(2023, 9, 1),
        D(2024, 8, 31),
        schedule="по срокам приказа",
    ),
    case(
        "000 ДК 5 октябрь 2023 г., ежегодно",
        "октябрь 2023 г., ежегодно",
        "month",
        D(2023, 10, 1),
        D(2023, 10, 31),
        recurrence="ежегодно",
    ),
    case(
        "000 ДК 7 октябрь 2023 г., обновление",
        "октябрь 2023 г., обновление",
        "month",
        D(2023, 10, 1),
        D(2023, 10, 31),
    ),
    case("000 ДК 8 октябрь 2023 г.,", "октябрь 2023 г.,", "month", D(2023, 10, 1), D(2023, 10, 31)),
    case(
        "000 ДК 9 ноябрь 2023 г. март 2024",
        "ноябрь 2023 г. март 2024",
        "months",
        D(2023, 11, 1),
        D(2024, 3, 31),
    ),
    case("000 ДК 10 сентябрь 2023 г.", "сентябрь 2023 г.", "month", D(2023, 9, 1), D(2023, 9, 30)),
    case(
        "000 ДК 11 сентябрь 2023г.- май 2024 г.",
        "сентябрь 2023г.- май 2024 г.",
        "months",
        D(2023, 9, 1),
        D(2024, 5, 31),
    ),
    case("000 ДК 15 август 2024 г.,", "август 2024 г.,", "month", D(2024, 8, 1), D(2024, 8, 31)),
    case(
        "000 ДК 16 Сентябрь-октябрь 2024 г. ежегодно",
        "Сентябрь-октябрь 2024 г. ежегодно",
        "months",
        D(2024, 9, 1),
        D(2024, 10, 31),
        recurrence="ежегодно",
    ),
    case(
        "000 ДК 17 2023-2024 уч.г.",
        "2023-2024 уч.г.",
        "academic_year",
        D(2023, 9, 1),
        D(2024, 8, 31),
    ),
    case(
        "000 ДК 18 ежегодно по итогам отчетного периода 2023-2024 гг.",
        "ежегодно по итогам отчетного периода 2023-2024 гг.",
        "year",
        D(2023, 1, 1),
        D(2024, 12, 31),
        recurrence="ежегодно",
        schedule="по итогам отчетного периода",
    ),
    # «ТРАЕКТОРИЯ РАЗВИТИЯ», «Срок – …» of the report.
    case(
        "000 траектория 1 до 1 сентября 2023 года",
        "до 1 сентября 2023 года",
        "until",
        None,
        D(2023, 9, 1),
    ),
    case("000 траектория 2 ноябрь 2023", "ноябрь 2023", "month", D(2023, 11, 1), D(2023, 11, 30)),
    case(
        "000 траектория 2 февраль 2024 года",
        "февраль 2024 года",
        "month",
        D(2024, 2, 1),
        D(2024, 2, 29),
    ),
    case(
        "000 траектория 4 до 1 августа 2023 год",
        "до 1 августа 2023 год",
        "until",
        None,
        D(2023, 8, 1),
    ),
]

# 001 Тюмень: «Дорожная карта» 2021 (context 2021).
SEED_001 = [
    case(
        "001 1.1 Февраль – март 2021",
        "Февраль – март 2021",
        "months",
        D(2021, 2, 1),
        D(2021, 3, 31),
    ),
    case("001 1.4 Март 2021", "Март 2021", "month", D(2021, 3, 1), D(2021, 3, 31)),
    case("001 1.8 Май 2021", "Май 2021", "month", D(2021, 5, 1), D(2021, 5, 31)),
    case(
        "001 1.9 В течение года",
        "В течение года",
        "within_year",
        D(2021, 1, 1),
        D(2021, 12, 31),
        year=2021,
    ),
    case(
        "001 1.10 Июль – август 2021", "Июль – август 2021", "months", D(2021, 7, 1), D(2021, 8, 31)
    ),
    case("001 2.2 Март - май 2021", "Март - май 2021", "months", D(2021, 3, 1), D(2021, 5, 31)),
    case("001 2.3 Март – май 2021", "Март – май 2021", "months", D(2021, 3, 1), D(2021, 5, 31)),
    case(
        "001 2.4 Март-сентябрь 2021", "Март-сентябрь 2021", "months", D(2021, 3, 1), D(2021, 9, 30)
    ),
    case(
        "001 2.5 Август – декабрь 2021",
        "Август – декабрь 2021",
        "months",
        D(2021, 8, 1),
        D(2021, 12, 31),
    ),
    case("001 2.6 Согласно графику", "Согласно графику", "schedule", schedule="согласно графику"),
    case(
        "001 2.8 Март — декабрь 2021",
        "Март — декабрь 2021",
        "months",
        D(2021, 3, 1),
        D(2021, 12, 31),
    ),
    case(
        "001 2.9 февраль — декабрь 2021",
        "февраль — декабрь 2021",
        "months",
        D(2021, 2, 1),
        D(2021, 12, 31),
    ),
    case("001 2.10 До 25.04.2021", "До 25.04.2021", "until", None, D(2021, 4, 25)),
    case("001 3.1 До 30.04.2021", "До 30.04.2021", "until", None, D(2021, 4, 30)),
    case("001 3.2 До 30.05.2021", "До 30.05.2021", "until", None, D(2021, 5, 30)),
    case("001 3.3 До 21.06.2021", "До 21.06.2021", "until", None, D(2021, 6, 21)),
    case("001 3.4 До 30.06.2021", "До 30.06.2021", "until", None, D(2021, 6, 30)),
    case("001 3.5 До 15.08.2021", "До 15.08.2021", "until", None, D(2021, 8, 15)),
    case(
        "001 3.6 Сентябрь - декабрь",
        "Сентябрь - декабрь",
        "months",
        D(2021, 9, 1),
        D(2021, 12, 31),
        year=2021,
    ),
    case("001 3.7 Октябрь 2021", "Октябрь 2021", "month", D(2021, 10, 1), D(2021, 10, 31)),
    case("001 3.8 До 01.11.2021", "До 01.11.2021", "until", None, D(2021, 11, 1)),
    case("001 3.9 15.11.2021", "15.11.2021", "date", D(2021, 11, 15), D(2021, 11, 15)),
    case("001 3.10 10.12.2021", "10.12.2021", "date", D(2021, 12, 10), D(2021, 12, 10)),
    case("001 3.11 20.12.2021", "20.12.2021", "date", D(2021, 12, 20), D(2021, 12, 20)),
    case("001 3.12 Ноябрь 2021", "Ноябрь 2021", "month", D(2021, 11, 1), D(2021, 11, 30)),
    case("001 4.1 Апрель 2021", "Апрель 2021", "month", D(2021, 4, 1), D(2021, 4, 30)),
]

# 002 Тербуны: «План реализации муниципальной программы» for 2022; no year in any row.
SEED_002 = [
    case(
        "002 1.1 В течение года",
        "В течение года",
        "within_year",
        D(2022, 1, 1),
        D(2022, 12, 31),
        year=2022,
    ),
    case("002 2.1 Июнь, июль", "Июнь, июль", "months", D(2022, 6, 1), D(2022, 7, 31), year=2022),
    case("002 2.2 Июль", "Июль", "month", D(2022, 7, 1), D(2022, 7, 31), year=2022),
    case(
        "002 2.3 По отдельному графику",
        "По отдельному графику",
        "schedule",
        year=2022,
        schedule="по отдельному графику",
    ),
    case(
        "002 3.1 Март-декабрь", "Март-декабрь", "months", D(2022, 3, 1), D(2022, 12, 31), year=2022
    ),
    # 3.3 is split by a page break into «В течение» and a continuation row «года».
    case("002 3.3 half before the page break", "В течение", "unknown", year=2022),
    case("002 4.1 Апрель", "Апрель", "month", D(2022, 4, 1), D(2022, 4, 30), year=2022),
    case("002 4.9 Август", "Август", "month", D(2022, 8, 1), D(2022, 8, 31), year=2022),
    case("002 4.10 Сентябрь", "Сентябрь", "month", D(2022, 9, 1), D(2022, 9, 30), year=2022),
    case("002 4.11 Октябрь", "Октябрь", "month", D(2022, 10, 1), D(2022, 10, 31), year=2022),
    case("002 4.12 Ноябрь", "Ноябрь", "month", D(2022, 11, 1), D(2022, 11, 30), year=2022),
    case(
        "002 7.1 Сентябрь-декабрь",
        "Сентябрь-декабрь",
        "months",
        D(2022, 9, 1),
        D(2022, 12, 31),
        year=2022,
    ),
    case("002 паспорт 2022 год.", "2022 год.", "year", D(2022, 1, 1), D(2022, 12, 31)),
]

# 003 Пировское: stages of the МППКО and the «Дорожная карта» (context 2022).
SEED_003 = [
    case(
        "003 этап 1 Апрель-июнь 2022 г",
        "Апрель-июнь 2022 г",
        "months",
        D(2022, 4, 1),
        D(2022, 6, 30),
    ),
    case(
        "003 этап 2 Июнь 2022 – август 2024",
        "Июнь 2022 – август 2024",
        "months",
        D(2022, 6, 1),
        D(2024, 8, 31),
    ),
    case(
        "003 этап 2 июнь, январь 2022", "июнь, январь 2022", "months", D(2022, 1, 1), D(2022, 6, 30)
    ),
    case(
        "003 этап 2 май, январь 2023", "май, январь 2023", "months", D(2023, 1, 1), D(2023, 5, 31)
    ),
    case(
        "003 этап 2 май, январь 2024", "май, январь 2024", "months", D(2024, 1, 1), D(2024, 5, 31)
    ),
    case(
        "003 этап 3 Сентябрь- декабрь 2024",
        "Сентябрь- декабрь 2024",
        "months",
        D(2024, 9, 1),
        D(2024, 12, 31),
    ),
    case("003 ФР1 1.1 Март 2022 г", "Март 2022 г", "month", D(2022, 3, 1), D(2022, 3, 31)),
    case("003 ФР1 1.2 Апрель 2022г", "Апрель 2022г", "month", D(2022, 4, 1), D(2022, 4, 30)),
    case("003 ФР1 1.3 Май 2022г", "Май 2022г", "month", D(2022, 5, 1), D(2022, 5, 31)),
    case("003 ФР1 1.4 Июнь 2022г", "Июнь 2022г", "month", D(2022, 6, 1), D(2022, 6, 30)),
    case(
        "003 ФР1 2.1 Ежегодно Сентябрь",
        "Ежегодно Сентябрь",
        "month",
        D(2022, 9, 1),
        D(2022, 9, 30),
        year=2022,
        recurrence="ежегодно",
    ),
    case(
        "003 ФР1 2.2 1 раз в четверть",
        "1 раз в четверть",
        "recurring",
        year=2022,
        recurrence="1 раз в четверть",
    ),
    case("003 ФР1 2.3 1р/четв", "1р/четв", "recurring", year=2022, recurrence="1р/четв"),
    case(
        "003 ФР1 4 Каждая четверть учебного года",
        "Каждая четверть учебного года",
        "recurring",
        year=2022,
        recurrence="каждая четверть",
    ),
    case(
        "003 ФР1 5 Декабрь, Апрель",
        "Декабрь, Апрель",
        "months",
        D(2022, 4, 1),
        D(2022, 12, 31),
        year=2022,
    ),
    case("003 ФР1 6.1 Август 2022г", "Август 2022г", "month", D(2022, 8, 1), D(2022, 8, 31)),
    case("003 ФР1 6.2 Сентябрь 2022г", "Сентябрь 2022г", "month", D(2022, 9, 1), D(2022, 9, 30)),
    case("003 ФР1 7.1 Январь 2023г", "Январь 2023г", "month", D(2023, 1, 1), D(2023, 1, 31)),
    case(
        "003 ФР1 7.2 Январь-февраль",
        "Январь-февраль",
        "months",
        D(2022, 1, 1),
        D(2022, 2, 28),
        year=2022,
    ),
    case(
        "003 ФР2 1 В течение месяца после поступления результатов",
        "В течение месяца после поступления результатов",
        "schedule",
        year=2022,
        schedule="в течение месяца после поступления результатов",
    ),
    case(
        "003 ФР2 2.1 Июнь декабрь",
        "Июнь декабрь",
        "months",
        D(2022, 6, 1),
        D(2022, 12, 31),
        year=2022,
    ),
    case(
        "003 ФР2 2.2 Сентябрь ежегодно",
        "Сентябрь ежегодно",
        "month",
        D(2022, 9, 1),
        D(2022, 9, 30),
        year=2022,
        recurrence="ежегодно",
    ),
    case("003 ФР2 2.3 По факту", "По факту", "schedule", year=2022, schedule="по факту"),
    case("003 ФР2 3 По запросу", "По запросу", "schedule", year=2022, schedule="по запросу"),
    case(
        "003 ФР2 4 2 раза в год", "2 раза в год", "recurring", year=2022, recurrence="2 раза в год"
    ),
    case(
        "003 ФР2 5.2 2 раза в год и/или По запросу",
        "2 раза в год и/или По запросу",
        "recurring",
        year=2022,
        recurrence="2 раза в год",
        schedule="по запросу",
    ),
    case(
        "003 ФР2 6a По плану ОО По плану КК ИПК",
        "По плану ОО По плану КК ИПК",
        "schedule",
        year=2022,
        schedule="по плану",
    ),
    case(
        "003 ФР2 6b Не реже 2 р/год – по плану ОО, ОУ",
        "Не реже 2 р/год – по плану ОО, ОУ",
        "recurring",
        year=2022,
        recurrence="не реже 2 р/год",
        schedule="по плану",
    ),
    case("003 ФР2 6c.1 сентябрь", "сентябрь", "month", D(2022, 9, 1), D(2022, 9, 30), year=2022),
    case("003 ФР2 6c.3 май", "май", "month", D(2022, 5, 1), D(2022, 5, 31), year=2022),
    case(
        "003 ФР2 6d По графику Центра становления КСО КК ИПК",
        "По графику Центра становления КСО КК ИПК",
        "schedule",
        year=2022,
        schedule="по графику",
    ),
    case(
        "003 ФР2 6d По плану КК ИПК", "По плану КК ИПК", "schedule", year=2022, schedule="по плану"
    ),
    case(
        "003 ФР2 7.1 2 раза в год, по графику",
        "2 раза в год, по графику",
        "recurring",
        year=2022,
        recurrence="2 раза в год",
        schedule="по графику",
    ),
    case("003 ФР2 7.2 По графику", "По графику", "schedule", year=2022, schedule="по графику"),
    case(
        "003 ФР2 7.3 Не реже 1 раза в год",
        "Не реже 1 раза в год",
        "recurring",
        year=2022,
        recurrence="не реже 1 раза в год",
    ),
    case(
        "003 ФР3 1 Сентябрь каждого тек. года",
        "<p>Сентябрь каждого тек. года (дополнит. по итогам каждой четверти)</p>",
        "month",
        D(2022, 9, 1),
        D(2022, 9, 30),
        year=2022,
        recurrence="каждого тек. года, каждой четверти",
        schedule="по итогам каждой четверти",
    ),
    case(
        "003 ФР3 3 Сентябрь-октябрь (по необходимости)",
        "<p>Сентябрь-октябрь (по необходимости)</p>",
        "months",
        D(2022, 9, 1),
        D(2022, 10, 31),
        year=2022,
        schedule="по необходимости",
    ),
    case("003 ФР3 5 Постоянно", "<p>Постоянно</p>", "recurring", year=2022, recurrence="постоянно"),
    case(
        "003 ФР3 6 Октябрь (по необходимости)",
        "Октябрь (по необходимости)",
        "month",
        D(2022, 10, 1),
        D(2022, 10, 31),
        year=2022,
        schedule="по необходимости",
    ),
    case("003 ФР3 8 Январь", "Январь", "month", D(2022, 1, 1), D(2022, 1, 31), year=2022),
    case("003 ФР3 last row -----", "-----", "unknown", year=2022),
]

# 004 Свободный: «План мероприятий («дорожная карта»)» на 2023-2024 гг. (context 2023).
SEED_004 = [
    case("004 1 Март-апрель 2023", "Март-апрель 2023", "months", D(2023, 3, 1), D(2023, 4, 30)),
    case(
        "004 2 август сентябрь 2023",
        "август сентябрь 2023",
        "months",
        D(2023, 8, 1),
        D(2023, 9, 30),
    ),
    case("004 3 Сентябрь 2023", "Сентябрь 2023", "month", D(2023, 9, 1), D(2023, 9, 30)),
    case("004 4 До 30.09.2023", "До 30.09.2023", "until", None, D(2023, 9, 30)),
    case("004 5 До 30.10.2023", "До 30.10.2023", "until", None, D(2023, 10, 30)),
    case("004 6 ежемесячно", "ежемесячно", "recurring", year=2023, recurrence="ежемесячно"),
    case(
        "004 7 ноябрь-декабрь 2023",
        "ноябрь-декабрь 2023",
        "months",
        D(2023, 11, 1),
        D(2023, 12, 31),
    ),
    case(
        "004 8 сентябрь 2023, далее - регулярно",
        "сентябрь 2023, далее - регулярно",
        "month",
        D(2023, 9, 1),
        D(2023, 9, 30),
        recurrence="регулярно",
    ),
    case(
        "004 9 В течение 2023-2024 учебного года",
        "В течение 2023-2024 учебного года",
        "academic_year",
        D(2023, 9, 1),
        D(2024, 8, 31),
    ),
    case("004 12 июнь 2024", "июнь 2024", "month", D(2024, 6, 1), D(2024, 6, 30)),
    case(
        "004 13 Июнь - август 2024", "Июнь - август 2024", "months", D(2024, 6, 1), D(2024, 8, 31)
    ),
    case(
        "004 14 январь август 2024", "январь август 2024", "months", D(2024, 1, 1), D(2024, 8, 31)
    ),
]

SEED_CASES = SEED_000 + SEED_001 + SEED_002 + SEED_003 + SEED_004


def test_the_seed_cases_cover_at_least_forty_distinct_texts_and_every_kind():
    texts = {c.values[0] for c in SEED_CASES}
    kinds = {c.values[2] for c in SEED_CASES}
    assert len(texts) >= 40
    assert kinds == set(KINDS)


@pytest.mark.parametrize(
    ("text", "year", "kind", "start", "end", "recurrence", "schedule"), SEED_CASES
)
def test_seed_period_reads_as_its_roadmap_means_it(
    text, year, kind, start, end, recurrence, schedule
):
    period = parse_period(text, year=year)
    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert period.recurrence == recurrence
    assert period.schedule == schedule
    assert period.text == text


# Edge cases.


def test_a_period_is_a_frozen_value_with_the_text_as_written():
    period = parse_period("  Август 2023 ")
    assert period == Period("  Август 2023 ", "month", D(2023, 8, 1), D(2023, 8, 31))
    with pytest.raises(AttributeError):
        period.kind = "year"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("февраль 2024", D(2024, 2, 29)),
        ("февраль 2023", D(2023, 2, 28)),
        ("февраль 2000", D(2000, 2, 29)),
        ("февраль 1900", D(1900, 2, 28)),
        ("январь-февраль 2024", D(2024, 2, 29)),
        ("декабрь 2023 – февраль 2024", D(2024, 2, 29)),
        ("02.2024", D(2024, 2, 29)),
    ],
)
def test_february_ends_on_the_29th_only_in_leap_years(text, end):
    assert parse_period(text).end == end


@pytest.mark.parametrize(
    ("text", "year", "start", "end"),
    [
        ("сентябрь – май", 2023, D(2023, 9, 1), D(2024, 5, 31)),
        ("Сентябрь-май", 2023, D(2023, 9, 1), D(2024, 5, 31)),
        ("ноябрь - февраль", 2023, D(2023, 11, 1), D(2024, 2, 29)),
        ("с сентября по май", 2023, D(2023, 9, 1), D(2024, 5, 31)),
        ("сентябрь 2023 – май 2024", None, D(2023, 9, 1), D(2024, 5, 31)),
        ("сентябрь 2023 – май", None, D(2023, 9, 1), D(2024, 5, 31)),
        ("сентябрь – май 2024", None, D(2023, 9, 1), D(2024, 5, 31)),
        ("сентябрь – май 2024", 2030, D(2023, 9, 1), D(2024, 5, 31)),
    ],
)
def test_a_month_range_that_runs_backwards_crosses_into_the_next_year(text, year, start, end):
    period = parse_period(text, year=year)
    assert (period.kind, period.start, period.end) == ("months", start, end)


def test_a_comma_list_of_months_spans_its_earliest_to_its_latest_month_in_one_year():
    assert parse_period("июнь, январь 2022").start == D(2022, 1, 1)
    assert parse_period("июнь, январь 2022").end == D(2022, 6, 30)
    listed = parse_period("Декабрь, Апрель", year=2022)
    assert (listed.start, listed.end) == (D(2022, 4, 1), D(2022, 12, 31))
    spread = parse_period("ноябрь 2023, март 2024")
    assert (spread.kind, spread.start, spread.end) == ("months", D(2023, 11, 1), D(2024, 3, 31))


@pytest.mark.parametrize(
    ("text", "kind"),
    [("Август", "month"), ("Август - сентябрь", "months"), ("Июнь, июль", "months")],
)
def test_months_without_any_year_keep_their_kind_but_have_no_dates(text, kind):
    assert parse_period(text) == Period(text, kind, None, None)


@pytest.mark.parametrize(
    "text",
    [
        "НОЯБРЬ 2023",
        "ноябрь 2023",
        "Ноябрь 2023",
        "нОяБрЬ 2023",
        "ноября 2023",
        "в ноябре 2023",
        "нояб. 2023",
        "ноя 2023",
        "11.2023",
        "ноябрь 2023 г.",
        "ноябрь 2023г.",
        "ноябрь 2023 года",
        "Ноябрь\u00a02023\u00a0г.",
    ],
)
def test_a_month_is_read_in_any_case_form_or_abbreviation(text):
    period = parse_period(text)
    assert (period.kind, period.start, period.end) == ("month", D(2023, 11, 1), D(2023, 11, 30))


@pytest.mark.parametrize(
    ("short", "month"),
    [
        ("янв.", 1),
        ("фев.", 2),
        ("февр.", 2),
        ("мар.", 3),
        ("апр.", 4),
        ("мая", 5),
        ("июн.", 6),
        ("июл.", 7),
        ("авг.", 8),
        ("сен.", 9),
        ("сент.", 9),
        ("окт.", 10),
        ("дек.", 12),
    ],
)
def test_every_month_has_its_abbreviation(short, month):
    assert parse_period(f"{short} 2025").start == D(2025, month, 1)


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2022 г.", "year", D(2022, 1, 1), D(2022, 12, 31)),
        ("2022г.", "year", D(2022, 1, 1), D(2022, 12, 31)),
        ("2022 года", "year", D(2022, 1, 1), D(2022, 12, 31)),
        ("в течение 2022 года", "year", D(2022, 1, 1), D(2022, 12, 31)),
        ("2022-2024 гг.", "year", D(2022, 1, 1), D(2024, 12, 31)),
        ("2022 – 2024 годы", "year", D(2022, 1, 1), D(2024, 12, 31)),
        ("2022-24 гг.", "year", D(2022, 1, 1), D(2024, 12, 31)),
        ("2023-2024", "year", D(2023, 1, 1), D(2024, 12, 31)),
        ("Март 2022 г.", "month", D(2022, 3, 1), D(2022, 3, 31)),
        ("до 01.09.2023 г.", "until", None, D(2023, 9, 1)),
    ],
)
def test_trailing_year_words_g_and_gg_do_not_change_the_dates(text, kind, start, end):
    period = parse_period(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)


@pytest.mark.parametrize(
    "text",
    [
        "сентябрь 2023 - май 2024",
        "сентябрь 2023 – май 2024",  # en dash
        "сентябрь 2023 — май 2024",  # em dash
        "сентябрь 2023 ‒ май 2024",  # figure dash
        "сентябрь 2023 − май 2024",  # minus sign
        "сентябрь\u00a02023\u00a0–\u00a0май\u00a02024",
        "сентябрь\u202f2023–май\u202f2024",
        "сентябрь 2023\n– май 2024",
        "<p>сентябрь 2023 – май 2024</p>",
    ],
)
def test_any_dash_and_any_space_separate_a_range(text):
    period = parse_period(text)
    assert (period.kind, period.start, period.end) == ("months", D(2023, 9, 1), D(2024, 5, 31))


@pytest.mark.parametrize(
    "text",
    [
        "2023-2024 уч. год",
        "2023/2024 учебный год",
        "2023–2024 учебный год",
        "2023-24 уч. год",
        "2023/24 уч.г.",
        "2023/2024",
        "2023-24",
        "на 2023-2024 уч год",
        "В течение 2023-2024 учебного года",
        "2023\u00a0–\u00a02024\u00a0уч.\u00a0год",
    ],
)
def test_a_school_year_runs_from_the_first_of_september_to_the_end_of_august(text):
    period = parse_period(text)
    assert (period.kind, period.start, period.end) == (
        "academic_year",
        D(2023, 9, 1),
        D(2024, 8, 31),
    )


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("сентябрь-май 2023/2024 уч.г.", D(2023, 9, 1), D(2024, 5, 31)),
        ("май 2023/2024 уч.г.", D(2024, 5, 1), D(2024, 5, 31)),
        ("октябрь, 2023-24 уч. год", D(2023, 10, 1), D(2023, 10, 31)),
    ],
)
def test_months_named_with_a_school_year_fall_in_its_autumn_or_its_spring(text, start, end):
    period = parse_period(text, year=2030)
    assert (period.start, period.end) == (start, end)


def test_a_school_year_carries_its_separate_plan_as_a_schedule_note():
    period = parse_period("2023-24 уч. год по отдельному плану")
    assert period.kind == "academic_year"
    assert period.schedule == "по отдельному плану"
    assert period.recurrence == ""


@pytest.mark.parametrize(
    ("text", "year", "end"),
    [
        ("до 01.08.2023", None, D(2023, 8, 1)),
        ("До 1 сентября 2023 года", None, D(2023, 9, 1)),
        ("не позднее 15.05.2024", None, D(2024, 5, 15)),
        ("к 28 февраля 2022 года", None, D(2022, 2, 28)),
        ("до 1 августа", 2023, D(2023, 8, 1)),
        ("до 1 августа", None, None),
        ("до 01.09.23", None, D(2023, 9, 1)),
        ("до августа 2023", None, D(2023, 7, 31)),
        ("до конца августа 2023", None, D(2023, 8, 31)),
        ("до 2024 года", None, D(2023, 12, 31)),
        ("до конца 2024 года", None, D(2024, 12, 31)),
    ],
)
def test_a_deadline_has_no_start_and_ends_on_the_day_named(text, year, end):
    period = parse_period(text, year=year)
    assert (period.kind, period.start, period.end) == ("until", None, end)


def test_a_day_is_a_one_day_period_and_two_days_are_a_span():
    assert parse_period("03.07.2023") == Period("03.07.2023", "date", D(2023, 7, 3), D(2023, 7, 3))
    assert parse_period("15 ноября 2021 г.").start == D(2021, 11, 15)
    span = parse_period("с 01.09.2023 по 31.05.2024")
    assert (span.kind, span.start, span.end) == ("date", D(2023, 9, 1), D(2024, 5, 31))


@pytest.mark.parametrize(
    ("text", "year", "start", "end"),
    [
        ("В течение года", 2022, D(2022, 1, 1), D(2022, 12, 31)),
        ("в течение года", None, None, None),
        ("в течении года", 2022, D(2022, 1, 1), D(2022, 12, 31)),
        ("В течение всего года", 2022, D(2022, 1, 1), D(2022, 12, 31)),
        ("в течение календарного года", 2022, D(2022, 1, 1), D(2022, 12, 31)),
        ("В течение учебного года", 2023, D(2023, 9, 1), D(2024, 8, 31)),
        ("в течение учебного года", None, None, None),
        ("В течение\nгода", 2022, D(2022, 1, 1), D(2022, 12, 31)),
        ("В течение\u00a0года", 2022, D(2022, 1, 1), D(2022, 12, 31)),
    ],
)
def test_within_the_year_takes_its_dates_from_the_context_year(text, year, start, end):
    period = parse_period(text, year=year)
    assert (period.kind, period.start, period.end) == ("within_year", start, end)


@pytest.mark.parametrize(
    ("text", "kind", "recurrence", "schedule"),
    [
        ("ежегодно", "recurring", "ежегодно", ""),
        ("Ежемесячно", "recurring", "ежемесячно", ""),
        ("ежеквартально", "recurring", "ежеквартально", ""),
        ("2 раза в год", "recurring", "2 раза в год", ""),
        ("постоянно", "recurring", "постоянно", ""),
        ("ПОСТОЯННО", "recurring", "постоянно", ""),
        ("по отдельному графику", "schedule", "", "по отдельному графику"),
        ("по отдельному плану", "schedule", "", "по отдельному плану"),
        ("по итогам года", "schedule", "", "по итогам года"),
        ("по мере необходимости", "schedule", "", "по мере необходимости"),
        ("по срокам приказа", "schedule", "", "по срокам приказа"),
    ],
)
def test_recurrence_and_schedule_alone_have_no_dates_even_with_a_context_year(
    text, kind, recurrence, schedule
):
    assert parse_period(text, year=2023) == Period(text, kind, None, None, recurrence, schedule)


def test_a_dated_period_can_also_recur():
    period = parse_period("Октябрь 2023 (ежегодно)")
    assert (period.kind, period.start, period.end) == ("month", D(2023, 10, 1), D(2023, 10, 31))
    assert period.recurrence == "ежегодно"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "-----",
        "—",
        "???",
        "Иванов И.И.",
        "Управление образованием",
        "12345",
        "31.02.2023",
        "32.01.2023",
        "13.2023",
        "01.09.202",
        "2024-2023 гг.",
        "в течение",
        "<p></p>",
        "\u00a0\u2013\u00a0",
    ],
)
def test_text_without_a_period_is_unknown_with_no_dates(text):
    assert parse_period(text, year=2023) == Period(text, "unknown", None, None)


@pytest.mark.parametrize("odd", [None, 42, b"\xd0\xb0", ["Август 2023"]])
def test_odd_input_is_unknown_rather_than_an_error(odd):
    period = parse_period(odd)  # type: ignore[arg-type]
    assert (period.kind, period.start, period.end) == ("unknown", None, None)


@pytest.mark.parametrize("year", [0, -5, 10**9])
def test_an_impossible_context_year_is_unknown_rather_than_an_error(year):
    assert parse_period("сентябрь – май", year=year).kind in ("months", "unknown")


def test_random_text_never_raises_and_always_gives_a_known_kind():
    pieces = [
        "сентябрь", "мая", "янв.", "2023", "2024", "-", "–", "—", ",", "/", ".", "г.", "гг.", "до",
        "к", "с", "по", "уч.", "год", "в течение", "года", "ежегодно", "2 раза в", "01.09.2023",
        "31", "13", "99.99.9999", "\u00a0", "(", ")", "по отдельному плану", "<p>", "</p>", "1р/",
    ]  # fmt: skip
    rng = random.Random(20230901)
    for _ in range(3000):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        period = parse_period(text, year=rng.choice([None, 2023]))
        assert period.kind in KINDS
        if period.start is not None and period.end is not None:
            assert period.start <= period.end


# Overdue.

TODAY = D(2024, 1, 15)


@pytest.mark.parametrize(
    ("text", "year", "done", "overdue"),
    [
        ("Ноябрь 2023", None, False, True),
        ("Ноябрь 2023", None, True, False),
        ("До 01.09.2023", None, False, True),
        ("15.01.2024", None, False, False),  # the last day is today: not yet overdue
        ("14.01.2024", None, False, True),
        ("январь 2024", None, False, False),
        ("сентябрь 2023 – май 2024", None, False, False),
        ("2023", None, False, True),
        ("2023-2024 уч. год", None, False, False),
        ("В течение года", 2023, False, True),
        ("В течение года", None, False, False),
        ("ежегодно", 2023, False, False),
        ("по отдельному графику", 2023, False, False),
        ("постоянно", 2020, False, False),
        ("-----", 2023, False, False),
        ("Август - сентябрь", None, False, False),
    ],
)
def test_overdue_means_not_done_and_the_last_day_has_passed(text, year, done, overdue):
    period = parse_period(text, year=year)
    assert is_overdue(period, today=TODAY, done=done) is overdue


def test_a_recurring_or_scheduled_period_is_never_overdue_even_with_dates_forced_on_it():
    for kind in ("recurring", "schedule", "unknown"):
        period = Period("x", kind, D(2020, 1, 1), D(2020, 1, 31))
        assert not is_overdue(period, today=TODAY, done=False)
