"""French number parsing for table cells: "1 939" -> 1939.0, "5,6 %" -> 5.6, "NC" -> None.

French reports group thousands with a (narrow, non-breaking) space or a dot and use a
comma for decimals; a cell is a number only when, units aside, nothing else is in it:
"(en millions d'euros)", "2016-2018" or "257 (68%)" are text and give None, so that the
numeric column of a CSV never holds a guess.
"""
from __future__ import annotations

import regex

_NUMBER = regex.compile(
    r"""^
    (?P<sign>[-−–+])?\s*                         # "-3,2", "− 4", "+ 88 %"
    (?P<int>\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+)  # "1 939", "1.939" (thousands), or "1939"
    (?:,(?P<frac>\d+))?                          # French decimals: "5,6"
    \s*(?:%|‰|€|k€|K€|M€|Md€|euros?|points?|pts?)?  # a unit printed in the cell
    $""",
    regex.X | regex.I,
)
_ENGLISH = regex.compile(r"^(?P<sign>[-−–+])?\s*(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?\s*%?$")


def parse_number(text: str | None) -> float | None:
    """The value of a cell printed as a number in French format, else None."""
    if text is None:
        return None
    t = " ".join(str(text).split()).strip()
    if not t:
        return None
    m = _NUMBER.match(t)
    if m is None:
        m = _english(t)
        if m is None:
            return None
    digits = regex.sub(r"[ \u00a0\u202f.,]", "", m.group("int"))
    value = float(digits + ("." + m.group("frac") if m.group("frac") else ""))
    return -value if m.group("sign") in ("-", "−", "–") else value


def _english(t: str):
    """"1,939" or "3.5" as English tables print them (GAO, census); "1,5" stays French."""
    m = _ENGLISH.match(t)
    if m and ("," in m.group("int") or m.group("frac")):
        return m
    return None


def cell_values(cells) -> list[list[float | None]]:
    """The numeric value beside each cell of a table (None where the cell is not a number)."""
    return [[parse_number(c) for c in row] for row in cells]
