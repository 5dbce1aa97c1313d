"""Fonts without a usable ToUnicode map: their codes are read through the font program.

The Cour des comptes du Sénégal 2017 report sets its body in Arial as Identity-H CID
fonts with no ToUnicode: readers give glyph ids ("/D&RXU" for "La Cour", spaces and
digits as control characters). Its truth file was checked against the page images.
"""
from __future__ import annotations

import re

import pytest

from extractors.layout import build_page, open_backend
from tests.paths import SHARED

SN_2017 = SHARED / "corpus" / "real-fr" / "sn-ccomptes-2017-rapport-public-general-annuel.pdf"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")

pytestmark = pytest.mark.skipif(not SN_2017.exists(), reason="the real-fr corpus is not in ../shared")


@pytest.fixture(scope="module")
def sn_pages():
    reader = open_backend(str(SN_2017), "pdfium")
    try:
        return {n: reader.page(n) for n in (73, 209, 239)}
    finally:
        reader.close()


def _text(raw) -> str:
    return "\n".join(line.text for line in build_page(raw).lines)


def test_identity_font_without_tounicode_reads_as_printed(sn_pages):
    text = _text(sn_pages[73])
    assert not CONTROL.search(text)
    assert "1- La Cour demande au MEFP de présenter, à l’avenir, la loi de" in text
    assert "2- La Cour demande au Ministre de l’Economie, des Finances et du Plan de prendre :" in text
    assert "la régularisation des soldes négatifs concernant les gestions 2015 et 2016." in text
    kinds = {(i.kind, i.page) for i in sn_pages[73].issues}
    assert ("font_remapped", 73) in kinds
    assert all(i.kind != "unreliable_text" for i in sn_pages[73].issues)


def test_digits_accents_and_ligatures_of_other_styles(sn_pages):
    # Bold italic heading numbers, accented capitals, the "ﬁ" ligature glyph of the table.
    assert "1.2.1- Les recommandations effectivement mises en œuvre :" in _text(sn_pages[209])
    table = _text(sn_pages[239])
    assert "La Cour invite le Ministre de l’Economie, des Finances et du Plan à :" in table
    assert "- supprimer la caisse d’avances du SEN/028 du MFPAA ;" in table


def test_a_glyph_nothing_reads_is_replaced_and_reported(sn_pages):
    # The check marks of ZapfDingbats (a CID font without names) match no reference
    # glyph: U+FFFD in the text, an "unreliable_text" issue naming the font.
    text = _text(sn_pages[209])
    assert "\ufffd la recommandation n°3 : la Cour demande au Directeur général" in text
    issue = next(i for i in sn_pages[209].issues if i.kind == "unreliable_text")
    assert "ZapfDingbats" in issue.detail and issue.count >= 1 and issue.page == 209


def test_pdfplumber_reads_the_same_codes_instead_of_cid_placeholders():
    reader = open_backend(str(SN_2017), "pdfplumber")
    try:
        raw = reader.page(73)
    finally:
        reader.close()
    text = _text(raw)
    assert "(cid:" not in text
    assert "1- La Cour demande au MEFP de présenter, à l’avenir, la loi de" in text
    assert any(i.kind == "font_remapped" for i in raw.issues)


GAO_06_282 = SHARED / "corpus" / "real" / "gao-06-282-breastfeeding-wic-2006.pdf"


@pytest.mark.skipif(not GAO_06_282.exists(), reason="the real corpus is not in ../shared")
def test_pdfplumber_unused_winansi_code_is_the_bullet():
    # Century-Book code 127 (unused in WinAnsiEncoding) prints a bullet (PDF 32000-1,
    # Annex D); pdfminer wrote "(cid:127)".
    reader = open_backend(str(GAO_06_282), "pdfplumber")
    try:
        text = _text(reader.page(38))
    finally:
        reader.close()
    assert "(cid:" not in text
    assert "• network TV," in text and "• spot TV," in text


IGE_2017 = SHARED / "corpus" / "real-fr" / "sn-ige-2017-rapport-gouvernance-reddition-comptes.pdf"


@pytest.mark.skipif(not IGE_2017.exists(), reason="the real-fr corpus is not in ../shared")
@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
def test_type3_garbage_pages_are_reported_unreliable(backend):
    # Type 3 fonts with numbered glyphs and no ToUnicode: no reader gets words out.
    from extractors.layout.reliability import page_issue

    reader = open_backend(str(IGE_2017), backend)
    try:
        issues = [page_issue(build_page(reader.page(n))) for n in (10, 50)]
    finally:
        reader.close()
    assert [(i.kind, i.page) for i in issues] == [("unreliable_text", 10), ("unreliable_text", 50)]


@pytest.mark.parametrize("text", [
    "Le rapport a fait l’objet de vingt-et-une (21) recommandations, dont dix-neuf adressées",
    "Introduction ........................................................ 5\nSynthèse ....... 7",
    "2012 -44,61 76,92 121,53 2013 -12,40 18,22 2014 3 120 4 512 11 204 7 330 1 921",
])
def test_ordinary_pages_are_not_reported(text):
    from extractors.layout.reliability import page_issue
    from models.document import Line, Page

    lines = tuple(Line(1, t, (0, 0, 100, 10), "Arial", 10, False, False) for t in (text * 4).split("\n"))
    assert page_issue(Page(1, 595, 842, lines)) is None


def test_shifted_glyph_ids_are_reported():
    from extractors.layout.reliability import page_issue
    from models.document import Line, Page

    garbage = "/D &RXU GHPDQGH DX 0()3 GH SUpVHQWHU j O¶DYHQLU OD ORL GH ¿QDQFHV GH O¶DQQpH DYHF " * 3
    page = Page(7, 595, 842, (Line(7, garbage, (0, 0, 100, 10), "Arial", 10, False, False),))
    issue = page_issue(page)
    assert issue is not None and issue.kind == "unreliable_text" and issue.page == 7


FLIPPED = SHARED / "corpus" / "bad" / "flip-042-256-fr-debian-reference.pdf"


@pytest.mark.skipif(not FLIPPED.exists(), reason="the bad corpus is not in ../shared")
def test_lone_surrogates_become_replacement_characters_and_are_counted():
    # A flipped byte in the Debian reference leaves a lone surrogate on p. 198 (pdfium).
    reader = open_backend(str(FLIPPED), "pdfium")
    try:
        raw = reader.page(198)
    finally:
        reader.close()
    # The glyph is drawn 5,000 pt above the page, so only the glyphs still hold it.
    glyph_text = "".join(g.text for g in raw.glyphs)
    assert not re.search("[\ud800-\udfff]", glyph_text)
    assert glyph_text.count("\ufffd") == 1
    assert [(i.kind, i.page, i.count) for i in raw.issues] == [("invalid_unicode", 198, 1)]
    _text(raw).encode("utf-8")  # valid UTF-8 now


def test_valid_unicode_leaves_astral_characters_alone():
    from extractors.layout.glyph_fixes import valid_unicode

    assert valid_unicode("note 𝟙 ok", 3) == ("note 𝟙 ok", [])
    fixed, issues = valid_unicode("a\ud800b\udfffc", 4)
    assert fixed == "a\ufffdb\ufffdc" and issues[0].count == 2 and issues[0].page == 4
