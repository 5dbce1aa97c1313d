"""How real producers' text is read: text set at a quarter turn or slanted along its
direction, characters outside the BMP each on their own box, spaces that take no room
ignored, text beyond the page's edge left out."""
from __future__ import annotations

import pytest

from extractors.layout import Glyph, RawPage, build_page, open_backend
from extractors.layout.glyph_fixes import expand_ligatures
from extractors.layout.turns import baseline_turn, quarter_turn, turn_box
from tests.paths import REAL, SHARED

REAL_FR = SHARED / "corpus" / "real-fr"
BACKEND_NAMES = ("pdfium", "pdfplumber")


def vertical(text: str, x: float, bottom: float, turn: int, size: float = 10.0) -> list[Glyph]:
    """Glyphs of `text` set along a vertical baseline: turn 1 reads upwards from `bottom`,
    turn 3 downwards from `bottom` (then the top of the first letter)."""
    out, y, adv = [], bottom, 0.5 * size
    for ch in text:
        if ch == " ":
            out.append(Glyph(" ", 0, 0, 0, 0, size, "Arial", False, False, turn))
        elif turn == 1:
            out.append(Glyph(ch, x, y - adv, x + size, y, size, "Arial", False, False, turn))
        else:
            out.append(Glyph(ch, x, y, x + size, y + adv, size, "Arial", False, False, turn))
        y += -adv if turn == 1 else adv
    return out


def real_pdf(folder, name: str):
    """A PDF of ../shared/corpus, or a skip when the corpus is not beside the project."""
    pdf = folder / name
    if not pdf.exists():
        pytest.skip(f"needs {folder}")
    return pdf


def word(text: str, x: float, top: float, step: float = 5.0) -> list[Glyph]:
    """Upright Arial 10 pt glyphs of `text`, one every `step` points from `x`."""
    return [Glyph(ch, x + step * i, top, x + step * (i + 1), top + 10.0, 10.0, "Arial", False, False)
            for i, ch in enumerate(text)]


def lines_of(glyphs: list[Glyph]):
    return build_page(RawPage(1, 595.0, 842.0, glyphs, [], 0)).lines


@pytest.mark.parametrize("dx, dy, turn", [(1, 0, 0), (0, -1, 1), (-1, 0, 2), (0, 1, 3), (0.9, -0.3, 0)])
def test_quarter_turn_of_a_baseline(dx, dy, turn):
    assert quarter_turn(dx, dy) == turn


@pytest.mark.parametrize("dx, dy, turn", [(1, 0, 0), (0.99, -0.1, 0), (0, -1, 1), (0.7071, -0.7071, 0.5),
                                          (0.7071, 0.7071, 3.5), (-1, 0, 2)])
def test_baseline_turn_keeps_slants_apart_from_quarter_turns(dx, dy, turn):
    assert baseline_turn(dx, dy) == turn


def test_slanted_labels_read_along_their_baseline_with_their_spaces():
    # Letters 5 pt apart on a 45° baseline (rising to the right), as under a chart; the
    # boxes are the upright boxes around slanted letters.
    def slanted(text: str, x: float, y: float) -> list[Glyph]:
        out = []
        for ch in text:
            if ch == " ":
                out.append(Glyph(" ", 0, 0, 0, 0, 9.0, "Calibri", False, False, 0.5))
            else:
                out.append(Glyph(ch, x, y - 10.0, x + 10.0, y, 9.0, "Calibri", False, False, 0.5))
            x, y = x + 3.5, y - 3.5
        return out

    lines = lines_of(slanted("Abus de pouvoir", 100.0, 400.0) + slanted("Fraude", 140.0, 400.0))
    assert [ln.text for ln in lines] == ["Abus de pouvoir", "Fraude"]
    assert lines[0].bbox == (100.0, 341.0, 159.0, 400.0)


@pytest.mark.parametrize("turn", [1, 2, 3])
def test_turn_box_is_undone_by_the_opposite_turn(turn):
    box = (20.0, 600.0, 33.0, 780.0)
    assert turn_box(turn_box(box, turn), (4 - turn) % 4) == box


def test_text_read_bottom_to_top_is_one_line_of_words_with_its_page_box():
    upright = word("Synthèse", 100, 100)
    lines = lines_of(upright + vertical("Rapport d'activités 2021", 20.0, 780.0, 1))
    assert [ln.text for ln in lines] == ["Synthèse", "Rapport d'activités 2021"]
    assert lines[1].bbox == (20.0, 660.0, 30.0, 780.0)


def test_text_read_top_to_bottom_is_one_line_of_words():
    (line,) = lines_of(vertical("Tableau 3", 560.0, 100.0, 3))
    assert line.text == "Tableau 3"
    assert line.bbox == (560.0, 100.0, 570.0, 145.0)


def test_a_ligature_in_vertical_text_is_shared_out_along_its_line():
    fi = Glyph("\ufb01", 20.0, 700.0, 30.0, 710.0, 10.0, "Arial", False, False, 1)
    letters = expand_ligatures([fi])
    assert [(g.text, g.top, g.bottom) for g in letters] == [("f", 705.0, 710.0), ("i", 700.0, 705.0)]
    (line,) = lines_of(vertical("dé", 20.0, 720.0, 1) + letters + vertical("nir", 20.0, 700.0, 1))
    assert line.text == "définir"


def _lines(pdf, number: int, backend: str):
    reader = open_backend(str(pdf), backend)
    try:
        return build_page(reader.page(number)).lines
    finally:
        reader.close()


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKEND_NAMES)
def test_vertical_margin_title_reads_as_words(backend):
    # OFNAC 2021 p. 98: the report's title runs up the left margin (it read one letter per line).
    pdf = real_pdf(REAL_FR, "sn-ofnac-2021-rapport-activites.pdf")
    (title,) = [ln for ln in _lines(pdf, 98, backend) if "ACTIVIT" in ln.text]
    assert title.text == "RAPPORT D’ACTIVITÉS 2021"
    x0, top, x1, bottom = title.bbox
    assert x1 < 40 and bottom - top > 140 and x1 - x0 < 15


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKEND_NAMES)
def test_sideways_table_headers_read_along_their_direction(backend):
    # pdfplumber's issue 192 example: column headers set bottom to top over a table.
    pdf = real_pdf(REAL, "pdfplumber-tests-issue-192-example.pdf")
    texts = [" ".join(ln.text.split()) for ln in _lines(pdf, 1, backend)]
    assert "Ababb(a) 44" in texts and "Ababb(a) 96" in texts


@pytest.mark.slow
def test_a_character_outside_the_bmp_does_not_shift_the_next_ones():
    # TAIC RO-2014-103 p. 46: the formula's mathematical italic letters (two UTF-16 units
    # each) shifted every later letter onto its neighbour's box: "The f riction", "p eak".
    pdf = real_pdf(REAL, "taic-nz-ro-2014-103-melling-rail-2016.pdf")
    texts = [ln.text for ln in _lines(pdf, 46, "pdfium")]
    assert "𝜇 =" in texts and "𝐹𝑎" in texts
    assert ("increase (see Figure 11). The peak of this curve represents the coefficient of friction at the"
            in texts)
    assert "will lock up and slide along the rail." in texts


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKEND_NAMES)
def test_a_space_that_takes_no_room_is_no_word_break(backend):
    # pdfplumber's issue 71 example p. 1: InDesign sets a space inside the "fi" ligature's
    # box ("défi nir"); a real space in italic text after an overhanging "s" stays
    # ("des futurs", p. 13).
    pdf = real_pdf(REAL, "pdfplumber-tests-issue-71-duplicate-chars-2.pdf")
    first = " ".join(ln.text for ln in _lines(pdf, 1, backend))
    assert first.count("Savoir définir l’") == 2 and "défi nir" not in first
    assert "des futurs" in " ".join(ln.text for ln in _lines(pdf, 13, backend))


def test_a_glyph_whose_baseline_is_off_the_page_is_left_out():
    on = word("bas", 70, 820.0)
    # The baseline (a fifth of the height above the bottom) is 2 pt under the page's edge.
    off = [g._replace(bottom=846.0) for g in word("hors", 70, 834.0)]
    assert [ln.text for ln in lines_of(on + off)] == ["bas"]


def test_a_line_whose_first_letter_comes_after_it_in_the_stream_is_joined():
    rest, other, first = word("ccountability", 105, 100.0), word("GAO", 100, 200.0), word("a", 100, 100.0)
    assert [ln.text for ln in lines_of(rest + other + first)] == ["accountability", "GAO"]


@pytest.mark.slow
def test_text_beyond_the_page_edge_is_not_the_page_text():
    # The Debian reference p. 53: a table runs 300 pt below the page; p. 244: a last row's
    # baseline falls under it. pdftotext leaves both out; nothing of them is printed.
    pdf = real_pdf(REAL, "fr-debian-reference.pdf")
    p53 = [ln.text for ln in _lines(pdf, 53, "pdfium")]
    assert p53[-1] == "l’interpréteur de commandes (plus rapide si on utilise une base de"
    assert not any("tar -xvf" in text for text in p53)
    assert not any("findimagedupes" in ln.text for ln in _lines(pdf, 244, "pdfium"))


@pytest.mark.slow
def test_a_cell_running_under_the_next_one_on_another_baseline_is_two_words():
    # The Debian reference p. 126: "config::ifupdown" runs under the next cell's "outil",
    # set 6 pt higher.
    pdf = real_pdf(REAL, "fr-debian-reference.pdf")
    assert "config::ifupdown outil standard pour activer ou désactiver le réseau" in [
        ln.text for ln in _lines(pdf, 126, "pdfium")]


@pytest.mark.slow
def test_first_letters_drawn_after_their_line_are_put_back():
    # GAO-07-791 p. 122: "ccountability of the federal …" then, far later in the stream, "a".
    pdf = real_pdf(REAL, "gao-07-791-reexamining-regulations-2007.pdf")
    texts = [ln.text for ln in _lines(pdf, 122, "pdfium")]
    assert "accountability of the federal government for the American people. GAO" in texts
    assert "examines the use of public funds; evaluates federal programs and policies;" in texts


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKEND_NAMES)
def test_chart_labels_set_at_45_degrees_read_as_words(backend):
    # OFNAC 2021 p. 44: the categories under a bar chart, slanted (pdftotext cuts them into
    # letter pairs); La Poste p. 204: country names, one with a space pdfium guesses
    # ("Royaume Uni"); OFNAC 2023 p. 27: a space pdfium guesses inside "Ministères".
    cases = [("sn-ofnac-2021-rapport-activites.pdf", 44,
              ["Détournement de deniers publics", "Abus de pouvoir", "Blanchiment d’argent"]),
             ("fr-ccomptes-2016-rpt-la-poste.pdf", 204, ["Allemagne", "Royaume Uni", "Suisse"]),
             ("sn-ofnac-2023-rapport-activites.pdf", 27, ["Ministères", "Douane"])]
    for name, number, labels in cases:
        texts = [ln.text for ln in _lines(real_pdf(REAL_FR, name), number, backend)]
        assert all(label in texts for label in labels), (name, labels)
