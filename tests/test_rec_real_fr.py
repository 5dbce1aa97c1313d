"""Recommendations of real reports that print a label alone, the addressee in the sentence,
or no number at all (Cour des comptes du Sénégal, OFNAC, GAO): concrete records."""
from __future__ import annotations

import functools

import pytest

from extractors.glossary import extract_glossary
from extractors.layout import read_document
from extractors.recommendations import extract_recommendations
from tests.paths import REAL, SHARED

REAL_FR = SHARED / "corpus" / "real-fr"
pytestmark = pytest.mark.slow


@functools.lru_cache(maxsize=None)
def recs_of(path: str):
    doc = read_document(path)
    recs, _ = extract_recommendations(doc, [], extract_glossary(doc), None)
    return recs


def _recs(folder, name):
    path = folder / name
    if not path.exists():
        pytest.skip(f"{name} not available")
    return recs_of(str(path))


def _by_number(recs):
    return {r.number: r for r in recs if r.number is not None}


def test_dakar_dem_dikk_labels_alone_and_addressees_in_bullets():
    recs = _by_number(_recs(REAL_FR, "sn-ccomptes-2022-dakar-dem-dikk.pdf"))
    assert sorted(recs) == list(range(1, 35))
    r3 = recs[3]
    assert r3.page == 14 and r3.text.startswith("La Cour demande au : - Ministre des Finances et du Budget de verser")
    assert r3.owner == "Ministre des Finances et du Budget ; Directeur général du CETUD ; Directeur général"
    assert r3.owners == ("Ministre des Finances et du Budget", "Directeur général du CETUD",
                         "Directeur général (Dakar Dem Dikk)")
    assert recs[8].page == 22 and recs[8].label == "Recommandation n°8"  # printed without its colon
    assert recs[1].text.endswith("la signature des PV de réunions du Conseil d’Administration.")  # stops at 2.2


def test_parcelles_assainies_co_actor_typo_label_and_plain_paragraph_after():
    recs = _by_number(_recs(REAL_FR, "sn-ccomptes-2021-commune-parcelles-assainies.pdf"))
    assert sorted(recs) == list(range(1, 69))
    assert (recs[26].page, recs[26].owner) == (65, "maire")  # "de concert avec le receveur municipal"
    assert recs[26].text.endswith("pour une meilleure maitrise de l’assiette fiscale.")  # not the finding after it
    assert recs[57].page == 121 and recs[57].label == "Recommandation n° 57"  # printed "n° 57_ :"
    assert recs[32].owners == ("maire (Commune des Parcelles Assainies)",
                               "M. Cheikh Abdoul Khadre Samb DIAYELA, régisseur des recettes")


def test_goree_label_at_the_foot_of_a_page():
    recs = _by_number(_recs(REAL_FR, "sn-ccomptes-2022-commune-goree.pdf"))
    assert sorted(recs) == list(range(1, 30))
    assert recs[28].page == 59  # the label closes page 59, the statement is on page 60
    assert recs[28].text.startswith("La cour demande au maire de respecter les procédures d’identification")
    assert recs[20].owners == ("maire (Commune de Gorèe)", "chef de la division financière (Commune de Gorèe)")


def test_anamo_two_verbs_in_dashes():
    recs = _by_number(_recs(REAL_FR, "sn-ccomptes-2023-anamo.pdf"))
    assert sorted(recs) == list(range(1, 17))
    assert recs[7].page == 25 and recs[7].owner == (
        "Ministre chargé de la Fonction publique ; Président du Conseil de Surveillance ; "
        "Directeur général de l’Agence nationale et de la Maison de l’Outil")
    assert recs[16].text.endswith("de veiller à leur correcte utilisation.")  # bullets a point smaller


def test_ofnac_2021_unnumbered_with_ordinals_and_addressee_first_paragraphs():
    recs = _recs(REAL_FR, "sn-ofnac-2021-rapport-activites.pdf")
    assert [r.number for r in recs] == [None] * 9 and [r.ordinal for r in recs] == list(range(1, 10))
    assert [r.page for r in recs] == [92] * 5 + [93] * 4
    onecca = recs[4]
    assert onecca.owner == "Ordre national des Experts comptables et comptables agréés du Sénégal (ONECCA)"
    assert onecca.text.startswith("A l’Ordre national des Experts comptables")
    assert recs[6].owner == "Gouvernement"


def test_assemblee_report_has_no_recommendation():
    assert _recs(REAL_FR, "sn-assemblee-2024-rapport-commission-lois-ppl-10-2024.pdf") == []


def test_gao_prose_recommendation_without_number():
    recs = _recs(REAL, "gao-06-282-breastfeeding-wic-2006.pdf")
    assert len(recs) == 1 and recs[0].number is None and recs[0].ordinal == 1
    assert recs[0].page == 37 and recs[0].owner == "Secretary of Agriculture"
    assert recs[0].text.startswith("We recommend that the Secretary of Agriculture educate all states")
    recs = _recs(REAL, "gao-06-1046-grants-management-2006.pdf")
    assert [(r.page, r.owner) for r in recs] == [(45, "Director of OMB"), (45, "OMB")]  # not the summary, p. 10
