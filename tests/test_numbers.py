"""parse_number reads French-format cells and refuses anything that is not one number."""
from __future__ import annotations

import pytest

from extractors.numbers import parse_number


@pytest.mark.parametrize("text, value", [
    ("1 939", 1939.0),
    ("1\u202f939", 1939.0),       # narrow no-break space, as Word prints thousands
    ("1\u00a0005", 1005.0),
    ("3 108", 3108.0),
    ("5,6 %", 5.6),
    ("5,6%", 5.6),
    ("80 000 €", 80000.0),
    ("-3,2", -3.2),
    ("− 4", -4.0),
    ("+ 88 %", 88.0),
    ("0,605", 0.605),
    ("2,60", 2.6),
    ("15", 15.0),
    ("1.939", 1939.0),            # dot as thousands separator
    ("324,4 M€", 324.4),
    ("1,939", 1.939),             # French reading: comma is the decimal mark
    ("3.5", 3.5),                 # English decimals (GAO tables)
    ("12,345,678", 12345678.0),   # English thousands
])
def test_parse_number_reads_numbers(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", [
    None, "", "NC", "(en millions d'euros)", "2016-2018", "257 (68%)", "CPO 2013 – 2015",
    "Mars 2017", "0,5 (4h)", "6 à 12", "4/an", "LR", "1 9392x", "12 34",
])
def test_parse_number_refuses_text(text):
    assert parse_number(text) is None


def test_cell_values_keep_the_table_shape():
    from extractors.numbers import cell_values

    cells = (("", "2015", "2016"), ("Crédits déconcentrés", "1,78", "NC"), ("Total", "1 939", "5,6 %"))
    assert cell_values(cells) == [[None, 2015.0, 2016.0], [None, 1.78, None], [None, 1939.0, 5.6]]
