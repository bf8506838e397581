"""Russian grammar comes from pymorphy3 and petrovich (opora/words.py), for every number."""

import pytest

from opora.words import accusative_person, agree, count_noun, genitive, plural


@pytest.mark.parametrize(
    ("number", "nominative", "genitive_case"),
    [
        (1, "школа", "школы"),
        (2, "школы", "школ"),
        (5, "школ", "школ"),
        (11, "школ", "школ"),
        (21, "школа", "школы"),
        (22, "школы", "школ"),
        (112, "школ", "школ"),
    ],
)
def test_a_noun_agrees_with_its_number_in_its_case(number, nominative, genitive_case):
    assert agree(number, "школа") == nominative
    assert agree(number, "школа", "gent") == genitive_case


def test_count_noun_joins_the_number_with_a_no_break_space():
    assert count_noun(1, "школа") == "1\u00a0школа"
    assert count_noun(13, "школа", "gent") == "13\u00a0школ"
    assert count_noun(3, "процедура", "loct") == "3\u00a0процедурах"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "Отдел образования администрации Тербунского муниципального района",
            "Отдела образования администрации Тербунского муниципального района",
        ),
        (
            "Администрация города Тюмени, Департамент образования",
            "Департамента образования администрации города Тюмени",
        ),
        (
            "Министерство образования Красноярского края",
            "Министерства образования Красноярского края",
        ),
        (
            "Муниципальное казённое учреждение «Управление образования»",
            "Муниципального казённого учреждения «Управление образования»",
        ),
    ],
)
def test_an_institution_takes_the_genitive_for_a_stamp(name, expected):
    assert genitive(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Астраханцева О.В.", "Астраханцеву О.В."),
        ("Иванов И.И.", "Иванова И.И."),
        ("Петрова Анна Сергеевна", "Петрову Анну Сергеевну"),
    ],
)
def test_a_person_is_heard_in_the_accusative(name, expected):
    assert accusative_person(name) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1, "показатель считается"), (3, "показателя считаются"), (11, "показателей считаются")],
)
def test_a_phrase_takes_the_form_pymorphy3_gives_for_the_number(number, expected):
    forms = ("показатель считается", "показателя считаются", "показателей считаются")
    assert plural(number, *forms) == expected
