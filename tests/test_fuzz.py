"""Property-based tests: the text parsers and the layout stage never raise, whatever the text.

Report PDFs carry every oddity (ligatures, NBSP, private-use glyphs, stray control
characters); a parser that raises on one cell costs the whole stage for that report.
"""
from __future__ import annotations

import importlib
import math
import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from extractors.layout import build_page, label_of, mark_running_lines
from extractors.layout import Glyph, RawPage

# Report-like text: French letters, digits, separators, NBSP and narrow NBSP, typographic
# quotes and dashes, superscripts, plus anything else Unicode may throw in.
REPORT_CHARS = st.sampled_from(list("0123456789 ,.;:%-–—()[]/«»’'°nNIVXabcdeéèêàçôœ\u00a0\u202f\n²³¹") +
                               ["Ministère", "DACG", "DGCS", " et ", "Recommandation", "n°", "Tableau", "€"])
REPORT_TEXT = st.one_of(st.lists(REPORT_CHARS, max_size=40).map("".join), st.text(max_size=80))
FUZZ = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(REPORT_TEXT)
def test_parse_number_never_raises(text):
    numbers = pytest.importorskip("extractors.numbers")
    value = numbers.parse_number(text)
    assert value is None or isinstance(value, float)


@FUZZ
@given(st.integers(min_value=-10**9, max_value=10**9), st.sampled_from([" ", "\u00a0", "\u202f", ""]))
def test_parse_number_reads_french_thousands(n, sep):
    numbers = pytest.importorskip("extractors.numbers")
    printed = f"{abs(n):,}".replace(",", sep)
    text = ("-" if n < 0 else "") + printed
    assert numbers.parse_number(text) == float(n)


@FUZZ
@given(REPORT_TEXT)
def test_owner_parsing_never_raises(text):
    owners = pytest.importorskip("extractors.recommendations.owners")
    parts = owners.split_owners(text)
    assert all(isinstance(p, str) for p in parts)
    for part in parts:
        if part.strip():
            owners.canonical_owner(part)
    owners.owners_from_text(text)


@FUZZ
@given(REPORT_TEXT)
def test_status_and_heading_helpers_never_raise(text):
    statuses = pytest.importorskip("extractors.patterns.statuses")
    headings = pytest.importorskip("extractors.patterns.headings")
    assert statuses.classify_status(text) in (None, *statuses.STATUSES)
    statuses.fold(text)
    headings.roman_value(text)


PATTERN_MODULES = ("headings", "notes_tables", "owners", "recommendations", "statuses")


def _patterns():
    found = []
    for name in PATTERN_MODULES:
        try:
            mod = importlib.import_module(f"extractors.patterns.{name}")
        except ImportError:
            continue
        for attr, value in vars(mod).items():
            if hasattr(value, "search") and hasattr(value, "pattern"):
                found.append(pytest.param(value, id=f"{name}.{attr}"))
            elif isinstance(value, tuple):
                found += [pytest.param(v[1], id=f"{name}.{attr}[{i}]") for i, v in enumerate(value)
                          if isinstance(v, tuple) and len(v) == 2 and hasattr(v[1], "search")]
    return found


@pytest.mark.parametrize("pattern", _patterns())
@settings(max_examples=60, deadline=1000, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(text=REPORT_TEXT)
def test_heading_and_caption_patterns_never_raise_or_hang(pattern, text):
    """The deadline catches catastrophic backtracking on long runs of separators."""
    pattern.search(text)
    pattern.search(text * 5)


@FUZZ
@given(REPORT_TEXT)
def test_page_labels_never_raise(text):
    label = label_of(text)
    assert label is None or label in text


GLYPH = st.builds(
    lambda ch, x, top, w, size, bold: Glyph(ch, x, top, x + w, top + size, size, "F", bold, False)
    if ch != " " else Glyph(" ", 0, 0, 0, 0, size, "F", bold, False),
    st.sampled_from(list("Le 1 939²,.-()ÉAz ") + ["€", "œ"]),
    st.floats(0, 600, allow_nan=False), st.floats(0, 800, allow_nan=False),
    st.floats(0, 20, allow_nan=False), st.sampled_from([0.5, 6.0, 10.0, 11.0, 14.0, 40.0]), st.booleans())


@FUZZ
@given(st.lists(GLYPH, max_size=120))
def test_layout_keeps_every_character_whatever_the_glyph_order(glyphs):
    # The page holds every glyph drawn (text set beyond the page's edge is dropped).
    page = build_page(RawPage(1, 640.0, 842.0, glyphs, [], 0))
    ink = sorted(g.text for g in glyphs if g.text != " ")
    kept = sorted(ch for line in page.lines for ch in line.text if ch != " ")
    # A line printed twice at the same place reads once (overprinted blocks); apart from
    # such copies nothing is lost or invented.
    keys = [(line.text, round(line.bbox[0]), round(line.bbox[1])) for line in page.lines]
    assert len(keys) == len(set(keys))
    assert Counter(kept) <= Counter(ink) and set(kept) == set(ink)
    if len({(g.text, round(g.x0), round(g.top)) for g in glyphs if g.text != " "}) == len(ink):
        assert kept == ink  # no two glyphs at one place: every character is kept
    for line in page.lines:
        assert line.text == line.text.strip() and "  " not in line.text
        x0, top, x1, bottom = line.bbox
        assert x0 <= x1 and top <= bottom and all(math.isfinite(v) for v in line.bbox)
    mark_running_lines([page, page, page])
