"""Counts on pages agree with their noun: «1 школа», «2 школы», «5 школ»."""

import pytest
from django.template import Context, Template


def render(number) -> str:
    template = Template('{% load opora_format %}{{ n|count_noun:"школа" }}')
    return template.render(Context({"n": number}))


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0, "0\u00a0школ"),
        (1, "1\u00a0школа"),
        (2, "2\u00a0школы"),
        (5, "5\u00a0школ"),
        (11, "11\u00a0школ"),
        (12, "12\u00a0школ"),
        (21, "21\u00a0школа"),
        (22, "22\u00a0школы"),
        (25, "25\u00a0школ"),
        (111, "111\u00a0школ"),
    ],
)
def test_a_count_takes_the_form_of_its_noun(number, text):
    assert render(number) == text


def test_nothing_counts_as_zero():
    assert render(None) == "0\u00a0школ"
