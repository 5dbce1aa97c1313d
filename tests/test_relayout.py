"""The dev report re-rendered in other layouts: its truth says what is printed where."""
from __future__ import annotations

import json
import re

import pdfplumber
import pytest

from tests.fixtures.relayout import RELAYOUTS, SEED_PATH, TRUTH_PATH, latin1, with_calls
from tests.fixtures.relayout_cli import main as cli_main

pytestmark = pytest.mark.skipif(not (TRUTH_PATH.exists() and SEED_PATH.exists()),
                                reason="dev truth or seed missing")


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


@pytest.fixture(scope="module")
def relayouts(tmp_path_factory):
    """layout -> (truth dict, page texts, opened pdfplumber PDF), built with the CLI."""
    out = tmp_path_factory.mktemp("relayout")
    assert cli_main(["--layout", "b", "--out", str(out)]) == 0
    assert cli_main(["--layout", "c", "--out", str(out)]) == 0
    done = {}
    for name in ("b", "c"):
        truth = json.loads((out / f"igas-relayout-{name}.truth.json").read_text("utf-8"))
        pdf = pdfplumber.open(out / f"igas-relayout-{name}.pdf")
        done[name] = (truth, [norm(p.extract_text()) for p in pdf.pages], pdf)
    yield done
    for _, _, pdf in done.values():
        pdf.close()


def test_with_calls_spreads_markers():
    assert with_calls("Un deux trois quatre.", 2) == "Un deux[^] trois quatre[^]."
    assert with_calls("Un deux.", 0) == "Un deux."


def test_latin1_keeps_accents_and_replaces_the_rest():
    assert latin1("Œuvre d’État – 5 €") == "OEuvre d'État - 5 EUR"
    assert latin1("x₋y").encode("latin-1")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["b", "c"])
def test_truth_has_the_dev_content(relayouts, name):
    truth, texts, pdf = relayouts[name]
    dev = json.loads(TRUTH_PATH.read_text("utf-8"))
    assert truth["document"]["page_count"] == len(pdf.pages) == len(texts)
    assert 40 <= truth["document"]["page_count"] <= 90
    assert [r["number"] for r in truth["recommendations"]] == list(range(1, 29))
    assert len(truth["footnotes"]) == len(dev["footnotes"]) == 201
    assert len(truth["tables"]) == 11
    numbered = [s["number"] for s in truth["sections"] if s["number"]]
    assert numbered == [s["number"] for s in dev["sections"] if s["number"]]
    annexes = [s["title"] for s in truth["sections"] if s.get("kind") == "annex"]
    assert len(annexes) == 21 and annexes[2] == "Annexe n° 3 : Liste des abréviations"
    recs = {r["number"]: r for r in truth["recommendations"]}
    assert recs[7]["section_number"] == "2.1.2"
    assert recs[7]["owners"] == ["Ministère de la Justice (DACG)",
                                 "Ministère de l’Intérieur (DGGN et DGPN)"
                                 if name != "b" else "Ministère de l'Intérieur (DGGN et DGPN)"]
    assert {g["acronym"] for g in truth["glossary"]} >= {"ADA", "CDLP", "SDFE"}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["b", "c"])
def test_sections_and_recommendations_are_on_their_pages(relayouts, name):
    truth, texts, _ = relayouts[name]
    for s in truth["sections"]:
        assert norm(s["title"]) in texts[s["page"] - 1], s
    for r in truth["recommendations"]:
        assert norm(r["text"]) in texts[r["page"] - 1], r["number"]
        # summary cells wrap, so check the first words of the row
        head = " ".join(r["summary_text"].split()[:4])
        assert head in texts[r["summary_page"] - 1], r["number"]
    # layout c prints its summary table after the body (before the annexes)
    pages = [r["summary_page"] for r in truth["recommendations"]]
    bodies = [r["page"] for r in truth["recommendations"]]
    assert (min(pages) > max(bodies)) == (name == "c")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["b", "c"])
def test_footnotes_and_tables_are_on_their_pages(relayouts, name):
    truth, texts, pdf = relayouts[name]
    for f in truth["footnotes"]:
        if f["page_end"] == f["page"]:
            assert norm(f"{f['number']} {f['text']}") in texts[f["page"] - 1], f["number"]
    numbers = [f["number"] for f in truth["footnotes"]]
    if RELAYOUTS[name].layout.footnote_numbering == "per-page":
        assert max(numbers) < 30 and numbers.count(1) > 20
    else:
        assert numbers == list(range(1, 202))
    for t in truth["tables"]:
        page = texts[t["page"] - 1]
        assert norm(t["caption"]) in page or norm(t["caption"])[:40] in page, t["number"]
        words = set(pdf.pages[t["page"] - 1].extract_text().split())
        first_row = [c for c in t["cells"][1] if c]
        assert all(set(c.split()[:1]) <= words for c in first_row), t["number"]


@pytest.mark.slow
def test_layout_b_headings_smaller_than_body_and_no_outline(relayouts):
    truth, _, pdf = relayouts["b"]
    s = next(s for s in truth["sections"] if s["number"] == "1.1.4.1")
    words = pdf.pages[s["page"] - 1].extract_words(extra_attrs=["size", "fontname"])
    title = [w for w in words if w["text"] == "questions"]
    assert title and round(title[0]["size"]) == 10 and "Italic" in title[0]["fontname"]
    body = [w for w in words if w["text"] == "S'agissant"]
    assert body and round(body[0]["size"]) == 11
    assert not pdf.doc.catalog.get("Outlines")
    assert f"Page 2 sur {len(pdf.pages)}" in norm(pdf.pages[1].extract_text())


@pytest.mark.parametrize("name", sorted(RELAYOUTS))
def test_every_layout_spec_places_all_recommendations(name):
    from tests.fixtures.relayout import relayout_spec
    from tests.fixtures.specs import Annex, RecommendationBox, SummaryTable

    report, layout = relayout_spec(name)
    assert layout is RELAYOUTS[name].layout
    boxes = [b for b in report.blocks if isinstance(b, RecommendationBox)]
    assert [b.number for b in boxes] == list(range(1, 29))
    summaries = [b for b in report.blocks if isinstance(b, SummaryTable)]
    assert len(summaries) == (0 if RELAYOUTS[name].summary == "none" else 1)
    annexes = [b.number for b in report.blocks if isinstance(b, Annex)]
    assert annexes == list(range(1, 22))
    if RELAYOUTS[name].summary == "end":  # after the last recommendation, before annex 1
        i = report.blocks.index(summaries[0])
        assert report.blocks.index(boxes[-1]) < i < report.blocks.index(
            next(b for b in report.blocks if isinstance(b, Annex)))
