"""The differential guard: every real PDF, read by both backends, says what pdftotext says.

pdftotext (poppler) is an independent reader; fidelity.py's word measure compares the
page text the layout stage gives with its text, on pages spread evenly over each report
(the same pages every run). A file below 0.99 must be in `data/fidelity_exceptions.json`
with the evidence: either pdftotext is the one that is wrong (its floor then says how far
its text is from the truth), or a known gap of ours, kept from getting worse.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.paths import SHARED
from tests.text_fidelity import fidelity, measure

CORPORA = (SHARED / "corpus" / "real", SHARED / "corpus" / "real-fr")
PDFS = sorted(p for root in CORPORA if root.exists() for p in root.glob("*.pdf"))
EXCEPTIONS = json.loads((Path(__file__).parent / "data" / "fidelity_exceptions.json").read_text("utf-8"))
PAGES = {"pdfium": 6, "pdfplumber": 3}  # pages per file: pdfminer is some 20 times slower
GOOD = 0.99

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(measure() is None, reason="needs ../shared/tools/fidelity.py and pdftotext")]


def _floor(name: str, backend: str) -> tuple[float, str]:
    entry = EXCEPTIONS.get(name, {}).get(backend)
    return (entry["floor"], entry["why"]) if entry else (GOOD, "")


@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("pdf", PDFS, ids=[p.name for p in PDFS])
def test_page_text_says_what_pdftotext_says(pdf, backend):
    result = fidelity(pdf, backend, PAGES[backend])
    floor, why = _floor(pdf.name, backend)
    assert result.score >= floor, (f"{pdf.name} ({backend}): {result.score:.3f} < {floor}; worst page "
                                   f"{result.worst_page} {result.worst:.3f}, missing {result.missing}, "
                                   f"extra {result.extra}" + (f" [known: {why}]" if why else ""))


def test_every_exception_names_a_file_that_exists_and_says_why():
    names = {p.name for p in PDFS}
    for name, entry in EXCEPTIONS.items():
        if name.startswith("_"):
            continue
        assert name in names or not PDFS, name
        for backend, item in entry.items():
            assert backend in PAGES and 0.0 <= item["floor"] < GOOD and item["wrong"] in ("pdftotext", "suivi", "both")
            assert len(item["why"]) > 40, name
