"""Patterns of extractors/recommendations/patterns.py: statements versus cross-references."""
from __future__ import annotations

import pytest

from extractors.recommendations.patterns import (HEADER_CELLS, LABEL_COLUMN, LIST_ENTRY, LIST_TITLE, NUMBER_CELL,
                                                 NUMBER_LEAD, SHORT_STATEMENT, STATEMENT)


@pytest.mark.parametrize("line, number, owner, text", [
    ("Recommandation n°7 : Renforcer les moyens", "7", None, "Renforcer les moyens"),
    ("Recommandation n° 12 : Mettre en place", "12", None, "Mettre en place"),
    ("Recommandation 3 : Assurer la formation", "3", None, "Assurer la formation"),
    ("Recommandation n° 7 (DGCS) : Garantir", "7", "DGCS", "Garantir"),
    ("Recommandation n° 1 (Ministère de la justice (DACG)) : Élaborer", "1", "Ministère de la justice (DACG)", "Élaborer"),
    ("Recommandation n°10 – Etendre aux associations", "10", None, "Etendre aux associations"),
    ("Préconisation n° 4 : Confier", "4", None, "Confier"),
    ("Recommandation n°19 :", "19", None, ""),
    ("RECOMMANDATION N° 3 : Renforcer les moyens", "3", None, "Renforcer les moyens"),
    ("Proposition n° 5 : Simplifier la procédure", "5", None, "Simplifier la procédure"),
])
def test_statement_matches(line, number, owner, text):
    m = STATEMENT.match(line)
    assert m is not None
    assert m.group("label") == number
    assert m.group("owner") == owner
    assert m.group("text") == text


@pytest.mark.parametrize("line", [
    "référentiel complet utile aux juridictions et aux enquêteurs (cf. recommandation n°27).",
    "la recommandation n° 3 du rapport de 2012 n'a pas été suivie",
    "Cette recommandation apparaît d’autant plus s’imposer que les médias",
    "Recommandations : Amener les professionnels à se former",  # plural heading of an interview
    "Recommandation n°7 de la Cour des comptes reste d'actualité",  # no separator after the number
    "Les recommandations de l’article 19 de la convention",
    "recommandation n° 3 : en lettres minuscules, la suite d'une phrase",
])
def test_cross_references_are_not_statements(line):
    assert STATEMENT.match(line) is None


@pytest.mark.parametrize("line, num, text", [
    ("R7 – Renforcer les moyens", "7", "Renforcer les moyens"),
    ("R12 : Partitionnement type", "12", "Partitionnement type"),
    ("R1", "1", None),
    ("R 45", "45", None),
])
def test_short_statement(line, num, text):
    m = SHORT_STATEMENT.match(line)
    assert m and m.group("num") == num and m.group("text") == text


@pytest.mark.parametrize("line", ["R121-12-2 du code de l’action sociale", "RGPD : règlement", "R7 est appliqué"])
def test_short_statement_rejects(line):
    assert SHORT_STATEMENT.match(line) is None


@pytest.mark.parametrize("cell, num, page", [
    ("7", "7", None), ("R7", "7", None), ("n° 7", "7", None), ("Recommandation n° 7", "7", None),
    ("7 – page 40", "7", "40"), ("12.", "12", None),
])
def test_number_cell(cell, num, page):
    m = NUMBER_CELL.match(cell)
    assert m and m.group("num") == num and m.group("page") == page


@pytest.mark.parametrize("cell", ["Premier ministre", "2016", "7 avril", "page 40"])
def test_number_cell_rejects(cell):
    assert NUMBER_CELL.match(cell) is None


@pytest.mark.parametrize("cell, role", [
    ("N°", "number"), ("Recommandation", "text"), ("Recommandations", "text"),
    ("Autorité responsable", "owner"), ("Destinataire", "owner"), ("Acteurs", "owner"),
    ("Pilote", "owner"), ("Échéance", "deadline"), ("Délai", "deadline"), ("Calendrier", "deadline"),
    ("Priorité", "priority"), ("Page", "page"),
    ("Responsable(s)", "owner"), ("Pilote(s)", "owner"), ("Acteur(s) concerné(s)", "owner"), ("Porteur", "owner"),
    ("Destinataire(s)", "owner"), ("Chef de file", "owner"), ("Services concernés", "owner"),
    ("Échéancier", "deadline"), ("Date cible", "deadline"),
    ("OBJET DE LA RECOMMANDATION", "text"), ("Contenu des recommandations", "text"),
])
def test_header_cells(cell, role):
    matching = [r for r, rx in HEADER_CELLS.items() if rx.match(cell)]
    assert matching[0] == role


@pytest.mark.parametrize("cell, ok", [
    ("RECOMMANDATION", True), ("Recommandations", True), ("Propositions", True),
    ("OBJET DE LA RECOMMANDATION", False), ("Recommandation n° 5", False), ("N°", False),
])
def test_label_column_is_the_bare_keyword(cell, ok):
    assert (LABEL_COLUMN.match(cell) is not None) == ok


@pytest.mark.parametrize("title, ok", [
    ("TABLE DES RECOMMANDATIONS PAR ORDRE D’APPARITION", True),
    ("LISTE DES RECOMMANDATIONS", True),
    ("Liste des recommandations", True),
    ("RÉCAPITULATIF DES RECOMMANDATIONS", True),
    ("Annexe n° 2 : Synthèse des recommandations", True),
    ("Les recommandations de la mission", False),
    ("Liste des personnes rencontrées", False),
])
def test_list_title(title, ok):
    assert bool(LIST_TITLE.match(title)) is ok


def test_list_entry_reads_anssi_row():
    m = LIST_ENTRY.match(". R31 . I R E Sécurisation des services réseau d’authentification PAM")
    assert m.group("num") == "31" and m.group("text").endswith("authentification PAM")


@pytest.mark.parametrize("cell, num", [("8 – page", 8), ("12.", 12), ("R7 -", 7), ("n° 3", 3), ("27", 27)])
def test_number_lead_takes_a_wrapped_number_cell(cell, num):
    assert int(NUMBER_LEAD.match(cell).group("num")) == num


@pytest.mark.parametrize("cell", ["1,5 %", "2.3 Les violences", "2019", "Pilotage de la loi", "3 victimes"])
def test_number_lead_refuses_what_is_not_a_number_cell(cell):
    assert NUMBER_LEAD.match(cell) is None
