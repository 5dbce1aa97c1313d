"""The layout stage: glyphs -> lines, superscript calls, running lines, page labels."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.layout import build_page, label_of, mark_running_lines, read_document
from extractors.layout import Glyph, RawPage, clean_font_name, open_backend
from models.document import Page

DEMO = Path(__file__).resolve().parent.parent / "corpus" / "igas-2019-prostitution.pdf"


def word(text: str, x: float, top: float, size: float = 10.0, font: str = "Arial", bold: bool = False,
         advance: float | None = None) -> list[Glyph]:
    """Glyphs of `text` set from x on a line whose glyph boxes start at `top`."""
    adv = advance if advance is not None else 0.5 * size
    out = []
    for ch in text:
        if ch == " ":
            out.append(Glyph(" ", 0, 0, 0, 0, size, font, bold, False))
        else:
            out.append(Glyph(ch, x, top, x + adv, top + size, size, font, bold, False))
        x += adv
    return out


def page_of(*runs: list[Glyph], number: int = 1) -> Page:
    glyphs = [g for run in runs for g in run]
    return build_page(RawPage(number, 595.0, 842.0, glyphs, [], 0))


def test_glyphs_on_one_baseline_form_one_line_and_a_return_starts_another():
    page = page_of(word("Le comité se réunit", 70, 100), word("chaque année.", 70, 114))
    assert [ln.text for ln in page.lines] == ["Le comité se réunit", "chaque année."]
    assert page.lines[0].bbox == (70.0, 100.0, 165.0, 110.0)


def test_superscript_call_is_its_own_span_and_not_glued_to_the_number():
    # "1 939²": the call sits higher and smaller than the digits it follows.
    page = page_of(word("soit 1 939", 70, 100), word("2", 120, 98, size=6.0), word("euros", 126, 100))
    (line,) = page.lines
    assert [(s.text.strip(), s.superscript) for s in line.spans] == [("soit 1 939", False), ("2", True),
                                                                     ("euros", False)]
    assert line.text == "soit 1 9392 euros"
    # models.document._join_spans adds a space before a span that already starts with one.
    assert " ".join(line.plain_text.split()) == "soit 1 939 euros"


def test_wide_gap_splits_table_cells_but_not_a_heading_number():
    cells = page_of(word("Programme 137", 70, 100), word("1 939", 400, 100))
    assert [ln.text for ln in cells.lines] == ["Programme 137", "1 939"]
    heading = page_of(word("1.1.2", 70, 100), word("Le pilotage national", 140, 100))
    assert [ln.text for ln in heading.lines] == ["1.1.2 Le pilotage national"]


def test_bold_and_size_come_from_the_dominant_style():
    page = page_of(word("RECOMMANDATION", 70, 100, size=12, bold=True), word(" n°1", 154, 100, size=12, bold=True))
    (line,) = page.lines
    assert line.bold and line.size == 12


@pytest.mark.parametrize("text,label", [("- 12 -", "12"), ("Page 3 sur 40", "3"), ("12/40", "12"),
                                        ("27", "27"), ("iv", "iv"), ("Rapport 2019", None),
                                        ("Recommandation 12", None)])
def test_page_label_patterns(text, label):
    assert label_of(text) == label


def test_running_header_and_page_labels_are_marked_not_deleted():
    pages = []
    for n in range(1, 7):
        pages.append(page_of(word("IGAS Rapport N°2019-080R", 70, 40), word(f"Texte propre à la page {n}.", 70, 300),
                             word(f"- {n + 2} -", 290, 800), number=n))
    marked = mark_running_lines(pages)
    for page in marked:
        roles = [ln.role for ln in page.lines]
        assert roles == ["header", "body", "page_label"]
        assert page.label == str(page.number + 2)
        assert [ln.text for ln in page.body_lines] == [f"Texte propre à la page {page.number}."]


def test_subset_prefix_is_dropped_from_font_names():
    assert clean_font_name("ABCDEF+Arial-BoldMT") == "Arial-BoldMT"
    assert clean_font_name("Arial+Bold") == "Arial+Bold"


def test_unknown_backend_is_refused_with_the_choices(tmp_path):
    with pytest.raises(ValueError, match="pdfium, pdfplumber"):
        open_backend(str(tmp_path / "x.pdf"), "poppler")


@pytest.mark.skipif(not DEMO.exists(), reason="the dev corpus report is not in corpus/")
def test_pdfium_end_of_line_hyphen_reads_as_a_hyphen():
    """pdfium reports a line-ending hyphen as U+0002 (IGAS 2019 p. 5, "SG-SADJAV")."""
    reader = open_backend(str(DEMO), "pdfium")
    page = build_page(reader.page(5))
    reader.close()
    text = "\n".join(ln.text for ln in page.lines)
    assert "\x02" not in text
    assert "SG-SADJAV" in text.replace("- ", "-").replace("-\n", "-")


@pytest.mark.slow
@pytest.mark.skipif(not DEMO.exists(), reason="the dev corpus report is not in corpus/")
def test_demo_report_layout():
    doc = read_document(str(DEMO))
    assert doc.page_count == 198
    assert all("\x02" not in ln.text for ln in doc.lines(body_only=False))
    labelled = [p for p in doc.pages if p.label is not None]
    assert len(labelled) > 150
    assert all(int(p.label) == p.number for p in labelled if p.label.isdigit())


def test_drawn_cell_border_splits_cells_set_close_together():
    # A narrow "N°" column: the gap to "Recommandation" is far below 2.5 x the size, but
    # a vertical rule runs between them (relayout h of the dev report lost its summary).
    from models.document import Rule

    glyphs = word("N°", 70, 100, size=9.0) + word("Recommandation", 84, 100, size=9.0)
    rules = [Rule((81.0, 95.0, 81.5, 115.0))]
    page = build_page(RawPage(1, 595.0, 842.0, glyphs, rules, 0))
    assert [ln.text for ln in page.lines] == ["N°", "Recommandation"]
    # The same words with no border between them stay one line.
    assert [ln.text for ln in page_of(glyphs).lines] == ["N° Recommandation"]


def test_page_text_writes_calls_as_superscripts_not_glued_digits():
    from extractors.layout import page_texts
    from models.document import Document

    page = page_of(word("soit 1 939", 70, 100), word("2", 120, 98, size=6.0), word("euros", 126, 100))
    doc = Document("x.pdf", "x.pdf", "0", (page,))
    ((_, _, text),) = list(page_texts(doc))
    assert text == "soit 1 939² euros"


def test_a_line_the_content_stream_interrupts_is_joined():
    # GAO-06-1046 p. 48: "A" is drawn, then a heading above, then "cknowledgments"
    # starting where the "A" ends (on the same baseline, at the same size).
    a = word("A", 215.94, 55.61, size=7.97)
    heading = word("GAO Contact", 266.81, 46.61, size=7.97)
    rest = word("cknowledgments", 215.94 + 0.5 * 7.97, 55.61, size=7.97)
    page = build_page(RawPage(1, 595.0, 842.0, a + heading + rest, [], 0))
    assert [ln.text for ln in page.lines] == ["Acknowledgments", "GAO Contact"]
    # A fragment that starts a word space or more away stays a line of its own.
    far = word("cknowledgments", 215.94 + 0.5 * 7.97 + 2.0, 55.61, size=7.97)
    assert [ln.text for ln in build_page(RawPage(1, 595.0, 842.0, a + heading + far, [], 0)).lines] == \
        ["A", "GAO Contact", "cknowledgments"]


def test_ligature_glyphs_read_as_their_letters_in_one_word():
    from extractors.layout.glyph_fixes import expand_ligatures, split_shared_boxes

    lig = [Glyph("\ufb01", 100.0, 100.0, 110.0, 110.0, 10.0, "Arial", False, False)]
    glyphs = word("Identi", 70.0, 100) + expand_ligatures(lig) + word("er", 110.0, 100)
    assert [ln.text for ln in page_of(glyphs).lines] == ["Identifier"]
    # pdfium gives some ligatures as letters sharing one box (OFNAC 2023 p. 26 "conﬂit").
    shared = [Glyph("f", 155.5, 164.29, 163.9, 172.69, 8.4, "Arial", False, False),
              Glyph("l", 155.5, 164.29, 163.9, 172.69, 8.4, "Arial", False, False)]
    glyphs = word("con", 142.9, 164.29, size=8.4) + split_shared_boxes(shared) + word("it", 163.9, 164.29, size=8.4)
    assert [ln.text for ln in page_of(glyphs).lines] == ["conflit"]


def test_a_block_printed_twice_over_itself_reads_once():
    once = word("Savoir conduire le diagnostic", 134, 457) + word("aigu ou chronique.", 134, 472)
    page = page_of(once, once)
    assert [ln.text for ln in page.lines] == ["Savoir conduire le diagnostic", "aigu ou chronique."]


def test_tracked_heading_reads_as_words_not_letters():
    # OFNAC 2023 p. 10: "RAPPORT D’ACTIVITÉS" set with wide tracking; the boxes leave
    # the tracking out, so every two letters are 0.15 of the size apart.
    tracked = []
    x = 100.0
    for ch in "RAPPORT D’ACTIVITÉS":
        if ch == " ":
            x += 0.6 * 20.0
            continue
        tracked.append(Glyph(ch, x, 100.0, x + 10.0, 120.0, 20.0, "Montserrat", True, False))
        x += 10.0 + 0.15 * 20.0
    assert [ln.text for ln in page_of(tracked).lines] == ["RAPPORT D’ACTIVITÉS"]
    # Untracked text keeps a gap of 0.15 of the size as a word space ("sont les").
    assert [ln.text for ln in page_of(word("sont", 100, 100), word("les", 121.5, 100)).lines] == ["sont les"]
