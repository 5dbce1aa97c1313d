"""The fixture builder renders what its ground truth says, where it says."""
from __future__ import annotations

import re

import pdfplumber
import pypdfium2
import pytest

from tests.fixtures.builder import FontNotFound, _ttf_variants, bad_inputs, build_pdf, dejavu_path
from tests.fixtures.examples import VARIANTS, example
from tests.fixtures.specs import Layout, Paragraph, Report


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """variant -> (BuildResult, page texts, opened pdfplumber PDF)."""
    out = tmp_path_factory.mktemp("builder")
    done = {}
    for v in VARIANTS:
        result = build_pdf(*example(v), out / f"{v}.pdf")
        pdf = pdfplumber.open(result.path)
        done[v] = (result, [norm(p.extract_text() or "") for p in pdf.pages], pdf)
    yield done
    for _, _, pdf in done.values():
        pdf.close()


def region_text(pdf, page: int, bbox) -> str:
    x0, top, x1, bottom = bbox
    return norm(pdf.pages[page - 1].within_bbox((x0 - 1, top - 1, x1 + 1, bottom + 1))
                .extract_text() or "")


@pytest.mark.parametrize("variant", VARIANTS)
def test_page_count_and_labels(built, variant):
    result, texts, pdf = built[variant]
    assert result.page_count == len(pdf.pages) == len(result.page_labels) == len(texts)
    assert result.page_labels[0] is None  # the cover has no footer
    layout = example(variant)[1]
    for page, label in enumerate(result.page_labels[1:], 2):
        printed = norm(layout.page_label.format(n=label, total=result.page_count))
        assert printed in texts[page - 1]


@pytest.mark.parametrize("variant", VARIANTS)
def test_sections_are_on_their_page(built, variant):
    result, texts, _ = built[variant]
    assert result.sections
    for s in result.sections:
        assert norm(s.title) in texts[s.page - 1], s
        if s.number:
            assert texts[s.page - 1].count(s.number) >= 1


@pytest.mark.parametrize("variant", VARIANTS)
def test_recommendations_are_on_their_pages(built, variant):
    result, texts, pdf = built[variant]
    for r in result.recommendations:
        if r.text is not None:
            assert norm(r.label + " " + r.text) in texts[r.page - 1], r.number
            assert norm(r.text) in region_text(pdf, r.page, r.bbox)
        if r.summary_text is not None:
            assert region_text(pdf, r.summary_page, r.summary_bbox) == norm(r.summary_text)


@pytest.mark.parametrize("variant", VARIANTS)
def test_footnotes_are_at_the_bottom_of_their_page(built, variant):
    result, texts, pdf = built[variant]
    for f in result.footnotes:
        region = region_text(pdf, f.page, f.bbox)
        assert region.startswith(f"{f.number} ")
        if f.page_end == f.page:
            assert region == f"{f.number} {norm(f.text)}"
        else:  # continued: the head here, the tail at the bottom of the next page
            assert norm(f.text).startswith(region[len(str(f.number)) + 1:])
            tail = region_text(pdf, f.page_end, f.continued_bbox)
            assert norm(f.text) == norm(region[len(str(f.number)) + 1:] + " " + tail)
        assert f.bbox[1] > pdf.pages[f.page - 1].height / 2


@pytest.mark.parametrize("variant", ["classic", "per-page-notes", "small-headings"])
def test_calls_are_superscripts_smaller_than_body(built, variant):
    result, _, pdf = built[variant]
    for page in pdf.pages:
        notes = [f for f in result.footnotes if f.page == page.page_number]
        if not notes:
            continue
        notes_top = min([f.bbox[1] for f in notes] + [
            f.continued_bbox[1] for f in result.footnotes
            if f.continued_bbox and f.page_end == page.page_number])
        calls = [c for c in page.chars if c["top"] < notes_top and c["text"].isdigit()
                 and c["size"] < result.body_font_size * 0.8]
        assert "".join(c["text"] for c in calls) == "".join(str(f.number) for f in notes)
        body = [c for c in page.chars if c["top"] < notes_top and c["size"] >= 10]
        assert body
        for call in calls:  # raised: its baseline is above the baseline of the line
            line = [c for c in body if abs(c["top"] - call["top"]) < 3]
            assert line and call["bottom"] < min(c["bottom"] for c in line) - 1


def test_numbering_and_continuations(built):
    classic = built["classic"][0]
    assert [f.number for f in classic.footnotes] == list(range(1, 7))
    assert max(s.level for s in classic.sections) == 4
    assert {r.theme for r in classic.recommendations} == {
        "Pilotage", "Connaissance", "Protection", "Prévention"}
    assert all(r.summary_page < r.page and r.section_number for r in classic.recommendations)
    assert classic.recommendations[0].owners == (
        "Ministère de la justice (DACG)", "Ministère de l’intérieur (DGPN, DGGN)")
    assert classic.recommendations[0].owner == " ".join(classic.recommendations[0].owners)
    assert [s.title for s in classic.sections if s.kind == "annex"] == [
        "Annexe n° 1 : Liste des personnes rencontrées"]
    assert classic.date == "2019-12" and len(classic.glossary) == 5

    notes = built["per-page-notes"][0].footnotes
    assert any(f.page_end == f.page + 1 for f in notes)
    assert [f.number for f in notes if f.page == notes[0].page][:2] == [1, 2]
    assert len({f.number for f in notes}) < len(notes)  # numbering restarts per page

    split = built["split-summary"][0].recommendations
    assert len({r.summary_page for r in split}) == 2
    at_end = built["list-at-end"][0].recommendations
    assert all(r.summary_page > r.page and r.theme is None for r in at_end)
    assert all(r.label.endswith(f"({r.owners[0]}) :") for r in at_end)
    assert built["no-summary"][0].recommendations[2].summary_page is None
    assert built["no-recs"][0].recommendations == ()
    small = built["small-headings"][0]
    assert [s.number for s in small.sections if s.kind == "heading"][:4] == ["I", "A", "1", "a"]
    assert small.text_transform == "latin-1"


def test_tables(built):
    result, texts, _ = built["tables"]
    long, merged, unruled = result.tables
    assert long.page_end == long.page + 1 and len(long.cells) == 47
    assert merged.cells[0] == ("Ressort", "Affaires traitées", "", "Évolution")
    assert unruled.source == "Source : SDSE, 2019" and unruled.caption == "Mesures de protection prononcées"
    for t in result.tables:
        text = " ".join(texts[t.page - 1:t.page_end])
        assert norm(t.caption) in text
        assert all(norm(c) in text for row in t.cells for c in row)
    # the long table repeats its header on its second page
    assert texts[long.page_end - 1].count("Département Plaintes Condamnations Taux") == 1


def test_outline_only_when_asked(built):
    classic = built["classic"][0]
    toc = list(pypdfium2.PdfDocument(classic.path).get_toc())
    assert len(toc) == len(classic.sections)
    assert toc[0].get_dest().get_index() + 1 == classic.sections[0].page
    assert list(pypdfium2.PdfDocument(built["small-headings"][0].path).get_toc()) == []


def test_contract_shape(built):
    contract = built["classic"][0].to_contract()
    assert set(contract) == {"report", "sections", "recommendations", "earlier_recommendations", "footnotes",
                             "tables"}
    assert contract["report"]["bodies"] == ["IGAS", "IGJ"]
    assert set(contract["recommendations"][0]) == {
        "number", "text", "summary_text", "owner", "owners", "page", "summary_page", "theme",
        "section_number", "group"}


def test_deterministic(tmp_path):
    a = build_pdf(*example("no-recs"), tmp_path / "a.pdf")
    b = build_pdf(*example("no-recs"), tmp_path / "b.pdf")
    assert a.path.read_bytes() == b.path.read_bytes()


def test_call_marks_must_match_notes(tmp_path):
    report = Report(example("no-recs")[0].cover, (Paragraph("Deux appels[^] ici[^]", ("une",)),))
    with pytest.raises(ValueError, match="2 call marks but 1 footnotes"):
        build_pdf(report, Layout(font="Helvetica"), tmp_path / "x.pdf")


def test_missing_font_names_the_package():
    with pytest.raises(FontNotFound, match="fonts-dejavu-core"):
        dejavu_path("NoSuchFont.ttf")
    with pytest.raises(FontNotFound):
        _ttf_variants("/nonexistent/Font.ttf")


def test_bad_inputs(tmp_path):
    files = bad_inputs(tmp_path)
    assert set(files) == {"truncated", "corrupted", "encrypted", "encrypted-empty-password",
                          "zero-pages", "not-a-pdf", "text-file", "image-only", "empty"}
    assert all(p.exists() for p in files.values())
    assert files["empty"].stat().st_size == 0
    assert not files["not-a-pdf"].read_bytes().startswith(b"%PDF")
    with pytest.raises(Exception):
        pdfplumber.open(files["encrypted"]).pages[0].extract_text()
    with pdfplumber.open(files["encrypted"], password="secret") as pdf:
        assert "Secret" in pdf.pages[0].extract_text()
    with pdfplumber.open(files["encrypted-empty-password"]) as pdf:
        assert "Ouvert" in pdf.pages[0].extract_text()
    with pdfplumber.open(files["zero-pages"]) as pdf:
        assert len(pdf.pages) == 0
    with pdfplumber.open(files["image-only"]) as pdf:
        assert len(pdf.pages) == 1 and not pdf.pages[0].chars and pdf.pages[0].images
