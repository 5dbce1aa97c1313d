"""Positive and negative examples for every pattern of extractors/patterns/headings.py."""
import pytest

from extractors.patterns.headings import (
    ANNEX, BODIES, CAPTION_START, LABEL_ONLY, LEADERS, MONTH_YEAR, NUMBERED_HEADING, PART,
    REPORT_NUMBER, TOC_LINE, TOC_TITLE, roman_value,
)


@pytest.mark.parametrize("text, label, title", [
    ("1.1.4 Un renforcement de la formation", "1.1.4", "Un renforcement de la formation"),
    ("1.1.4. Un renforcement", "1.1.4.", "Un renforcement"),
    ("1 UN PORTAGE POLITIQUE", "1", "UN PORTAGE POLITIQUE"),
    ("2.2.5.1 Les dispositifs d’identification", "2.2.5.1", "Les dispositifs d’identification"),
    ("II. Les constats", "II.", "Les constats"),
    ("IV - Les moyens", "IV", "Les moyens"),
    ("A. Les défis EIG", "A.", "Les défis EIG"),
    ("A - Une gouvernance fragmentée", "A", "Une gouvernance fragmentée"),  # Cour des comptes
    ("B – Des moyens dispersés", "B", "Des moyens dispersés"),
    ("a) Le cas des mineurs", "a)", "Le cas des mineurs"),
    ("1) Le pilotage", "1)", "Le pilotage"),
    ("3 – Les parcours", "3", "Les parcours"),
    ("6.7.1 syslog", "6.7.1", "syslog"),
    ("4.5.2 Le proxénétisme dit « de cité » progresse", "4.5.2", "Le proxénétisme dit « de cité » progresse"),
    ("Chapitre 1 Didacticiels", "Chapitre 1", "Didacticiels"),
])
def test_numbered_heading(text, label, title):
    m = NUMBERED_HEADING.match(text)
    assert m is not None
    assert m.group("label").strip() == label
    assert m.group("title") == title


@pytest.mark.parametrize("text", [
    "1 000 euros ont été versés",        # an amount
    "2019 Une année charnière",          # a year, not a section number
    "1 les services de police",          # lower case after a single number: running text
    "12 décembre 2019",                  # a date
    "15,3 % des personnes",              # a percentage
    "1",                                 # a table cell ("N°" column)
    "Recommandation n°1 : Réunir",       # not a heading label
    "N° Recommandation",                 # a table header
])
def test_not_numbered_heading(text):
    assert NUMBERED_HEADING.match(text) is None


@pytest.mark.parametrize("text", ["1.2", "II.", "A)", "3", "Chapitre 4", "1.1.3."])
def test_label_only(text):
    assert LABEL_ONLY.match(text)


@pytest.mark.parametrize("text", ["1.2 Titre", "Annexe 4", "12 500"])
def test_not_label_only(text):
    assert not LABEL_ONLY.match(text)


@pytest.mark.parametrize("text, reclist", [
    ("SYNTHÈSE", False),
    ("Synthese", False),
    ("INTRODUCTION", False),
    ("CONCLUSION", False),
    ("Conclusions générales", False),
    ("SIGLES UTILISÉS", False),
    ("ANNEXES", False),
    ("PIÈCES JOINTES", False),
    ("TABLE DES RECOMMANDATIONS PAR ORDRE D’APPARITION", True),
    ("LISTE DES RECOMMANDATIONS", True),
    ("RÉCAPITULATIF DES RECOMMANDATIONS", True),
])
def test_part(text, reclist):
    m = PART.match(text)
    assert m is not None
    assert bool(m.group("reclist")) is reclist


@pytest.mark.parametrize("text", [
    "Introduction de la mission dans les services",
    "SYNTHÈSE ........ 2",
    "La conclusion de la mission",
    "RAPPORT",
])
def test_not_part(text):
    assert PART.match(text) is None


@pytest.mark.parametrize("text", ["SOMMAIRE", "Table des matières", "CONTENTS"])
def test_toc_title(text):
    assert TOC_TITLE.match(text)


@pytest.mark.parametrize("text", [
    "1.2 Le pilotage budgétaire ........................ 17",
    "INTRODUCTION ...... 8",
    "Annexe n° 4 : Récapitulatif … 88",
    "3.1 Les commissions existantes 45",
])
def test_toc_line(text):
    assert TOC_LINE.search(text)


@pytest.mark.parametrize("text", [
    "1.2.2 Les dotations du programme 204 affichent une stagnation depuis 2016.",
    "Le proxénétisme dit « de cité » progresse",
])
def test_not_toc_line(text):
    assert not TOC_LINE.search(text)


def test_leaders():
    assert LEADERS.search("Synthèse . . . . . . . 3")
    assert not LEADERS.search("etc. et al. 3")


@pytest.mark.parametrize("text, num, title", [
    ("Annexe n° 4 : Récapitulatif des dispositions", "4", "Récapitulatif des dispositions"),
    ("ANNEXE 4 – Liste des personnes rencontrées", "4", "Liste des personnes rencontrées"),
    ("Annexe n°12 : Le dispositif", "12", "Le dispositif"),
    ("Annexe IV. Méthode", "IV", "Méthode"),
    ("ANNEXE 3", "3", None),
])
def test_annex(text, num, title):
    m = ANNEX.match(text)
    assert m is not None
    assert m.group("num") == num
    assert m.group("title") == title


@pytest.mark.parametrize("text", [
    "Annexes", "cf. annexe 4", "Voir l’annexe n° 4 du rapport", "Annexe sur les moyens",
])
def test_not_annex(text):
    assert ANNEX.match(text) is None


@pytest.mark.parametrize("text", ["Tableau 3 : Effectifs", "Table 1: Budget", "Encadré n°1 : Le lien",
                                  "Figure 2 –", "Graphique 4"])
def test_caption_start(text):
    assert CAPTION_START.match(text)


def test_caption_start_negative():
    assert not CAPTION_START.match("Tableaux de bord et indicateurs")


@pytest.mark.parametrize("text, expected", [
    ("INSPECTION GÉNÉRALE DES AFFAIRES SOCIALES", "IGAS"),
    ("Inspection générale de l’administration", "IGA"),
    ("INSPECTION GÉNÉRALE DE LA JUSTICE", "IGJ"),
    ("Inspection générale des finances", "IGF"),
    ("Cour des comptes", "CCOMPTES"),
    ("RAPPORT IGAS N°2019-080R", "IGAS"),
    ("United States Government Accountability Office", "GAO"),
    ("Conseil général de l’environnement et du développement durable", "CGEDD"),
])
def test_bodies(text, expected):
    hits = [acr for acr, pattern in BODIES if pattern.search(text)]
    assert hits == [expected]


def test_bodies_negative():
    text = "Les services de l’administration pénitentiaire et la justice des mineurs"
    assert [acr for acr, pattern in BODIES if pattern.search(text)] == []


@pytest.mark.parametrize("text, expected", [
    ("N°2019-080R", "N°2019-080R"),
    ("IGAS N°2019-080R", "IGAS N°2019-080R"),
    ("IGA N°19-063", "IGA N°19-063"),
    ("GAO-07-791", "GAO-07-791"),
    ("GAO-08-587T", "GAO-08-587T"),
])
def test_report_number(text, expected):
    m = REPORT_NUMBER.search(text)
    assert m is not None
    assert (m.group("fr") or m.group("gao") or m.group("code")) == expected


@pytest.mark.parametrize("text", ["N° 12", "page 2019-2020", "GAO report", "n°1 : Réunir"])
def test_report_number_negative(text):
    assert REPORT_NUMBER.search(text) is None


@pytest.mark.parametrize("text, month, year", [
    ("DÉCEMBRE 2019", "DÉCEMBRE", "2019"),
    ("Décembre 2019", "Décembre", "2019"),
    ("December 2019", "December", "2019"),
    ("juillet 2007", "juillet", "2007"),
    ("July 16, 2007", "July", "2007"),
    ("Final – 7 December 2022", "December", "2022"),
])
def test_month_year(text, month, year):
    m = MONTH_YEAR.search(text)
    assert (m.group("month"), m.group("year")) == (month, year)


@pytest.mark.parametrize("text", ["mai", "2019", "le 12/2019", "Marseille 2019"])
def test_month_year_negative(text):
    assert MONTH_YEAR.search(text) is None


@pytest.mark.parametrize("text, value", [("I", 1), ("IV", 4), ("XII", 12), ("IIII", None), ("VX", None)])
def test_roman_value(text, value):
    assert roman_value(text) == value
