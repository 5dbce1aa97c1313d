"""pypdfium2 (default, fast) and pdfplumber (reference) give the same extraction.

Lines are compared page by page (same text, boxes within a couple of points); once the
extractors are in, sections and recommendations must match too.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.layout import build_page, open_backend, read_document
from tests.fixtures.builder import build_pdf
from tests.fixtures.examples import VARIANTS, example

DEMO = Path(__file__).resolve().parent.parent / "corpus" / "igas-2019-prostitution.pdf"
BBOX_TOLERANCE = 2.0  # points, across: pdfium's loose char boxes and pdfminer's differ slightly
ASCENT_TOLERANCE = 0.3  # of the font size, up and down: the two read font ascent and descent differently


@pytest.fixture(scope="module")
def fixture_pdfs(tmp_path_factory):
    out = tmp_path_factory.mktemp("backends")
    return {v: build_pdf(*example(v), out / f"{v}.pdf").path for v in VARIANTS}


def _lines(page):
    return [(ln.text, ln.bbox, ln.size) for ln in page.lines]


def assert_same_lines(a_page, b_page, where: str) -> None:
    a, b = _lines(a_page), _lines(b_page)
    assert [t for t, _, _ in a] == [t for t, _, _ in b], where
    for (text, box_a, size), (_, box_b, _) in zip(a, b):
        across = max(abs(box_a[0] - box_b[0]), abs(box_a[2] - box_b[2]))
        up_down = max(abs(box_a[1] - box_b[1]), abs(box_a[3] - box_b[3]))
        assert across <= BBOX_TOLERANCE, (where, text, box_a, box_b)
        assert up_down <= max(BBOX_TOLERANCE, ASCENT_TOLERANCE * size), (where, text, box_a, box_b)


@pytest.mark.parametrize("variant", VARIANTS)
def test_fixture_reports_read_the_same(fixture_pdfs, variant):
    fast = read_document(str(fixture_pdfs[variant]), "pdfium")
    ref = read_document(str(fixture_pdfs[variant]), "pdfplumber")
    assert fast.page_count == ref.page_count
    for a, b in zip(fast.pages, ref.pages):
        assert_same_lines(a, b, f"{variant} p.{a.number}")
        assert a.label == b.label
        assert [ln.role for ln in a.lines] == [ln.role for ln in b.lines]
        assert [[s.superscript for s in ln.spans] for ln in a.lines] == \
            [[s.superscript for s in ln.spans] for ln in b.lines]
        assert [(ln.bold, ln.italic, round(ln.size)) for ln in a.lines] == \
            [(ln.bold, ln.italic, round(ln.size)) for ln in b.lines]


@pytest.mark.parametrize("variant", ["classic", "list-at-end", "per-page-notes"])
def test_fixture_reports_extract_the_same(fixture_pdfs, variant):
    extract = pytest.importorskip("pipeline.extract")
    docs = {b: read_document(str(fixture_pdfs[variant]), b) for b in ("pdfium", "pdfplumber")}
    ext = {b: extract.extract_document(d, extract.ExtractSettings(backend=b)) for b, d in docs.items()}
    a, b = ext["pdfium"], ext["pdfplumber"]
    assert [(s.number, s.title, s.page) for s in a.sections] == [(s.number, s.title, s.page) for s in b.sections]
    assert [(r.number, r.page, r.text) for r in a.recommendations] == \
        [(r.number, r.page, r.text) for r in b.recommendations]
    assert [(n.number, n.page, n.text) for n in a.footnotes] == [(n.number, n.page, n.text) for n in b.footnotes]


DEMO_SAMPLE = (1, 5, 12, 40, 77, 120, 163, 198)


@pytest.mark.skipif(not DEMO.exists(), reason="the dev corpus report is not in corpus/")
def test_demo_report_sample_pages_read_the_same():
    """Page by page on the 198-page dev report (header/footer marking needs every page,
    so this compares the per-page lines that everything else is built from)."""
    fast, ref = open_backend(str(DEMO), "pdfium"), open_backend(str(DEMO), "pdfplumber")
    try:
        for n in DEMO_SAMPLE:
            a = build_page(fast.page(n))
            b = build_page(ref.page(n))
            assert a.lines, f"page {n} has text"
            assert_same_lines(a, b, f"demo p.{n}")
    finally:
        fast.close()
        ref.close()


@pytest.mark.slow
@pytest.mark.skipif(not DEMO.exists(), reason="the dev corpus report is not in corpus/")
def test_demo_report_extracts_the_same():
    extract = pytest.importorskip("pipeline.extract")
    settings = {b: extract.ExtractSettings(backend=b) for b in ("pdfium", "pdfplumber")}
    docs = {b: read_document(str(DEMO), b) for b in settings}
    assert [p.label for p in docs["pdfium"].pages] == [p.label for p in docs["pdfplumber"].pages]
    ext = {b: extract.extract_document(docs[b], settings[b]) for b in settings}
    a, b = ext["pdfium"], ext["pdfplumber"]
    assert len(a.recommendations) == 28
    assert [(s.number, s.title, s.page) for s in a.sections] == [(s.number, s.title, s.page) for s in b.sections]
    assert [(r.number, r.page, r.summary_page, r.text, r.owner) for r in a.recommendations] == \
        [(r.number, r.page, r.summary_page, r.text, r.owner) for r in b.recommendations]
