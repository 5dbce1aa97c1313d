"""Fixture-builder reports in the conventions of labels standing alone, addressees in the
sentence and unnumbered prose (tests/fixtures/label_conventions.py): exact truth."""
from __future__ import annotations

import pytest

from extractors.layout import read_document
from pipeline.extract import extract_document


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    builder = pytest.importorskip("tests.fixtures.builder")
    from tests.fixtures.conventions import convention
    out, cache = tmp_path_factory.mktemp("labels"), {}

    def get(name):
        if name not in cache:
            res = builder.build_pdf(*convention(name), out / f"{name}.pdf")
            doc = read_document(str(res.path))
            cache[name] = (res, extract_document(doc), doc)
        return cache[name]
    return get


def _fold(s):
    return " ".join((s or "").replace("’", "'").split())


def _without_context(owner: str, audited: str) -> str:
    return owner[: -len(f" ({audited})")] if owner.endswith(f" ({audited})") else owner


@pytest.mark.parametrize("name", ["label-alone", "unnumbered-prose"])
def test_label_conventions_match_truth(built, name):
    res, ext, _ = built(name)
    got, truth = list(ext.recommendations), list(res.recommendations)
    assert [r.number for r in got] == [t.number for t in truth]
    for r, t in zip(got, truth):
        assert r.page == t.page, t.number
        assert _fold(r.text) == _fold(t.text), t.number
        assert r.owner == t.owner, t.number
        assert tuple(_without_context(o, "commune de Ndiolofène") for o in r.owners) == t.owners, t.number


def test_label_alone_forms_and_the_page_of_a_label_at_the_foot(built):
    from tests.fixtures.label_conventions import AUDITED
    res, ext, doc = built("label-alone")
    recs = {r.number: r for r in ext.recommendations}
    assert [r.label for r in ext.recommendations] == [
        "Recommandation n° 1", "Recommandation 2", "Recommandations n° 3", "Recommandation°4", "Recommandation n° 5"]
    label4 = next(l for p in doc.pages for l in p.lines if l.text.startswith("Recommandation°4"))
    first = next(l for p in doc.pages for l in p.lines if l.text.startswith("La Cour recommande au maire, de concert"))
    assert (label4.page, first.page) == (recs[4].page, recs[4].page + 1)  # the statement is on the next page
    assert recs[4].owners == (f"maire ({AUDITED})",)  # the co-actor is no addressee
    assert "Les produits de l’exploitation" not in recs[1].text  # the plain finding after the statement


def test_unnumbered_prose_gets_ordinals_and_the_reported_suggestion_is_left_out(built):
    _, ext, _ = built("unnumbered-prose")
    assert [(r.number, r.ordinal) for r in ext.recommendations] == [(None, 1), (None, 2), (None, 3)]
    assert not any("il a été recommandé" in r.text for r in ext.recommendations)
