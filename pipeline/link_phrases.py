"""French phrasings that say the same thing, folded to one wording before two
recommendations are compared.

Audit bodies restate a recommendation with the stock phrases of administrative French:
« une fois par an », « chaque année », « annuellement » and « une réunion annuelle » are
one frequency; « au moins » and « a minima » the same hedge; « en vue de », « afin de »,
« dans le but de » and « sur la base de » link clauses and ask nothing. Word vectors
cannot see through a multi-word phrase (« fois » + « an » is not « annuel »), so each
entry below rewrites one family to a single form. A new family is a new entry; each is
checked on the labelled pairs (`python -m pipeline.link_calibration`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PhraseFamily:
    name: str
    pattern: str  # a regex over the text as printed (case-insensitive, apostrophes ' or ’)
    replacement: str  # what every member becomes: a word, or "" to drop a phrase that asks nothing
    examples: tuple[str, ...]  # texts the pattern must match


A = "['’]"  # either apostrophe

FAMILIES: tuple[PhraseFamily, ...] = (
    PhraseFamily(
        "every year",
        rf"\b(?:(?:au\s+moins\s+)?une\s+fois\s+par\s+an|chaque\s+année|tous\s+les\s+ans|annuellement)\b",
        " annuel ",
        ("une fois par an", "au moins une fois par an", "chaque année", "tous les ans", "annuellement"),
    ),
    PhraseFamily(
        "hedge",
        r"\b(?:a\s+minima|au\s+minimum|au\s+moins)\b",
        " ",
        ("a minima", "au moins tous les cinq ans", "au minimum"),
    ),
    PhraseFamily(
        "purpose",
        rf"\b(?:en\s+vue\s+d{A}?(?:e\s+)?|afin\s+d{A}?(?:e\s+)?|dans\s+le\s+but\s+d{A}?(?:e\s+)?|sur\s+la\s+base\s+d{A}?(?:e\s+|u\s+|es\s+)?)",
        " pour ",
        ("en vue d’assurer", "afin de garantir", "dans le but de", "sur la base d'une réunion", "sur la base des revenus"),
    ),
)

_COMPILED = tuple((re.compile(f.pattern, re.I), f.replacement) for f in FAMILIES)


def fold_phrases(text: str) -> str:
    """The text with every phrase family rewritten to its single form."""
    for pattern, replacement in _COMPILED:
        text = pattern.sub(replacement, text)
    return re.sub(r"\s{2,}", " ", text).strip()
