"""Recommendations printed as lists, and earlier recommendations reprinted with a status.

Fixture reports (tests/fixtures/list_conventions.py) render each convention with exact truth;
real reports of ../shared/corpus/real-fr pin a few records each (slow)."""
from __future__ import annotations

import pytest

from extractors.layout import read_document
from extractors.recommendations.lists import split_owners
from pipeline.extract import extract_document
from tests.paths import SHARED

REAL_FR = SHARED / "corpus" / "real-fr"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from tests.fixtures.builder import build_pdf
    from tests.fixtures.list_conventions import list_convention
    out, cache = tmp_path_factory.mktemp("lists"), {}

    def get(name):
        if name not in cache:
            res = build_pdf(*list_convention(name), out / f"{name}.pdf")
            cache[name] = (res, extract_document(read_document(str(res.path))))
        return cache[name]
    return get


def _fold(s):
    return " ".join((s or "").replace("’", "'").split()).rstrip(" .;")


def _key(r):
    return (r.number, r.group, r.page, r.summary_page, r.section_number, r.theme, _fold(r.text), _fold(r.summary_text),
            _fold(r.owner), tuple(_fold(o) for o in r.owners))


@pytest.mark.parametrize("name", ["lead-in-list", "restart-per-chapter", "summary-list-end", "followup-x-table",
                                  "closing-list-themes", "followup-prose"])
def test_list_convention_matches_truth(built, name):
    res, ext = built(name)
    assert [_key(r) for r in ext.recommendations if r.number is not None] == [_key(t) for t in res.recommendations]


def test_numbered_list_under_lead_in(built):
    res, ext = built("lead-in-list")
    recs = {r.number: r for r in ext.recommendations}
    assert sorted(recs) == list(range(1, 16))
    # "3. (État, collectivités territoriales) : renforcer …": the parenthesis is the addressee
    assert recs[3].owners == ("État", "collectivités territoriales")
    assert recs[3].text.startswith("renforcer le suivi de la performance")
    assert (recs[3].page, recs[3].summary_page) == (2, 5)
    # numbering runs on from chapter 1 (1-3) to chapter 2 (4-5): no group
    assert recs[4].group is None and recs[4].section_number == "2"
    # one lead-in names the addressee of every item, over a page break and a case title
    assert {recs[n].owner for n in range(6, 16)} == {"Ministre chargé de la Santé"}
    assert (recs[9].page, recs[10].page) == (3, 4)
    assert recs[11].text == ("veiller au respect des clauses de la convention signée entre l’État et les "
                             "établissements privés ;")
    assert recs[6].summary_page is None


def test_restart_per_chapter_gives_groups(built):
    res, ext = built("restart-per-chapter")
    got = [(r.group, r.number, r.page) for r in ext.recommendations]
    assert got == [("1 Le contrôle de l’exécution des lois de finances", 1, 2),
                   ("1 Le contrôle de l’exécution des lois de finances", 2, 2),
                   ("1 Le contrôle de l’exécution des lois de finances", 3, 2),
                   ("2 L’Office des forages ruraux", 1, 3), ("2 L’Office des forages ruraux", 2, 3)]
    assert ext.recommendations[3].text.startswith("La Cour demande au Directeur général de l’Office de tenir")


def test_chapter_bullets_meet_the_numbered_summary(built):
    res, ext = built("summary-list-end")
    recs = {r.number: r for r in ext.recommendations}
    assert sorted(recs) == [1, 2, 3, 4]
    assert recs[4].text.startswith("inclure systématiquement") and recs[4].section_number == "1"
    assert recs[1].section_number == "2" and recs[1].summary_page == 3
    assert recs[2].owners == ("État", "Caisse des dépôts et consignations", "La Poste")
    assert recs[3].owners == ("La Poste",)


def test_followup_x_table_gives_earlier_recommendations_not_own(built):
    res, ext = built("followup-x-table")
    assert [r.number for r in ext.recommendations] == [1, 2]
    assert all(r.summary_page is None for r in ext.recommendations)
    got = [(e.number, e.status, e.status_term, e.owner, e.page) for e in ext.earlier_recommendations]
    assert got == [("1", "implemented", "Réalisée", "Ministre de l’économie", 2),
                   ("2", "in_progress", "En cours", "La Poste", 2),
                   ("3", "not_implemented", "Non réalisée", "Ministre de l’économie", 2),
                   ("4", "implemented", "Réalisée", "La Poste", 2)]
    assert [e.to_contract() for e in ext.earlier_recommendations] == \
        [e.to_contract() for e in res.earlier_recommendations]
    assert ext.earlier_recommendations[0].cites == "La Poste : un service public face à un défi sans précédent"


def test_closing_list_under_themes_with_owner_parentheses(built):
    res, ext = built("closing-list-themes")
    got = [(r.number, r.theme, r.owners, r.text[:25]) for r in ext.recommendations]
    assert got == [
        (1, "Fixer des objectifs stratégiques clairs",
         ("ministre chargé de l’économie", "Caisse des dépôts et consignations", "Bpifrance"),
         "articuler les doctrines d"),
        (2, "Fixer des objectifs stratégiques clairs",
         ("ministre chargé de l’économie", "Caisse des dépôts et consignations", "Bpifrance"),
         "choisir des niveaux cible"),
        (3, "Limiter les interventions en capital au strict nécessaire", ("ministre chargé de l’économie", "Bpifrance"),
         "redistribuer les particip"),
        (4, "Limiter les interventions en capital au strict nécessaire", ("Caisse des dépôts et consignations",),
         "établir et rendre publiqu")]


def test_followup_prose_under_status_headings(built):
    res, ext = built("followup-prose")
    assert ext.recommendations == ()  # reprinted, not this report's own
    got = [(e.group, e.number, e.status, e.text[:40]) for e in ext.earlier_recommendations]
    adie, cdc = "1.1 L’Agence de l’Informatique de l’État (ADIE)", "1.2 La Caisse des Dépôts et Consignations (CDC)"
    assert got == [(adie, "3", "implemented", "la Cour demande au Directeur général de "),
                   (adie, "4", "implemented", "la Cour invite le Directeur général et l"),
                   (adie, "1", "in_progress", "la Cour demande au Directeur général de "),
                   (adie, "7", "not_implemented", "la Cour demande au Directeur général de "),
                   (cdc, "1", "implemented", "la Cour demande au Directeur général de "),
                   (cdc, "2", "in_progress", "la Cour demande au Directeur général de ")]
    assert ext.earlier_recommendations[3].status_term == \
        "Les recommandations non mises en œuvre ou restées sans réponse"
    assert [(e.to_contract(), e.group) for e in ext.earlier_recommendations] == \
        [(e.to_contract(), e.group) for e in res.earlier_recommendations]


@pytest.mark.parametrize("printed, owners", [
    ("État, collectivités territoriales", ("État", "collectivités territoriales")),
    ("actionnaires (État et Caisse des dépôts et consignations) et à La Poste",
     ("État", "Caisse des dépôts et consignations", "La Poste")),
    ("à l’État", ("État",)),
    ("Ministre chargé de la Santé", ("Ministre chargé de la Santé",)),
    ("Arcep, État", ("Arcep", "État")),
])
def test_split_owners(printed, owners):
    assert split_owners(printed) == owners


@pytest.fixture(scope="module")
def real():
    cache = {}

    def get(name):
        if name not in cache:
            path = REAL_FR / f"{name}.pdf"
            if not path.exists():
                pytest.skip(f"{path} not available")
            cache[name] = extract_document(read_document(str(path)))
        return cache[name]
    return get


@pytest.mark.slow
def test_real_haut_debit_numbered_lists_and_summary(real):
    ext = real("fr-ccomptes-2017-rpt-haut-debit")
    recs = {r.number: r for r in ext.recommendations}
    assert sorted(recs) == list(range(1, 12))
    assert [recs[n].page for n in (1, 3, 4, 11)] == [82, 82, 108, 108]
    assert [recs[n].summary_page for n in (1, 10, 11)] == [113, 113, 114]
    assert recs[6].owners == ("Arcep", "État", "collectivités territoriales")
    assert recs[2].text.startswith("accroître la concurrence sur le marché à destination des entreprises")


@pytest.mark.slow
def test_real_ofnac_2023_list_over_a_page_break(real):
    ext = real("sn-ofnac-2023-rapport-activites")
    recs = {r.number: r for r in ext.recommendations if r.number is not None}
    assert sorted(recs) == list(range(1, 28))
    assert (recs[11].page, recs[12].page) == (90, 91)
    assert recs[11].text.endswith("dans un domaine aussi spécialisé ;")  # continued on p. 91
    assert recs[27].text.startswith("définir pour l’inspection des affaires administratives et financières (IAAF)")
    assert {r.owner for r in recs.values()} == {"Ministre chargé de la Santé"}
    assert sum(1 for r in ext.recommendations if r.number is None) == 3  # the general bullets


@pytest.mark.slow
def test_real_la_poste_summary_and_followup_table(real):
    ext = real("fr-ccomptes-2016-rpt-la-poste")
    recs = {r.number: r for r in ext.recommendations}
    assert sorted(recs) == list(range(1, 9))
    assert [(recs[n].page, recs[n].summary_page) for n in (1, 6, 8)] == [(136, 140), (98, 140), (98, 140)]
    assert recs[2].owners == ("État", "Caisse des dépôts et consignations", "La Poste")
    earlier = ext.earlier_recommendations
    assert [e.number for e in earlier] == [str(n) for n in range(1, 18)]
    assert (earlier[2].status, earlier[4].status, earlier[12].status) == \
        ("partially_implemented", "not_implemented", "implemented")
    assert earlier[12].text.startswith("Disposer d’organisations plus performantes")
    assert earlier[0].cites.startswith("La Poste : un service public face à un défi sans précédent")


@pytest.mark.slow
def test_real_2017_annual_report_groups_and_follow_up(real):
    ext = real("sn-ccomptes-2017-rapport-public-general-annuel")
    recs = [r for r in ext.recommendations if r.number is not None]
    assert len(recs) == 77  # 8 chapters, numbering restarting in each
    groups = list(dict.fromkeys(r.group for r in recs))
    assert len(groups) == 8
    assert groups[0] == "PREMIERE PARTIE – CHAPITRE I : CONTROLE DE L’EXECUTION DES LOIS DE FINANCES POUR 2016"
    ofor = [r for r in recs if "(OFOR)" in r.group]
    assert [r.number for r in ofor] == list(range(1, 21))
    assert (ofor[12].page, ofor[12].owner) == (176, "Ministre de l’Hydraulique et de l’Assainissement")
    assert recs[0].text.startswith("La Cour demande au MEFP de présenter, à l’avenir, la loi de")
    # the condensé tables number afresh and reorder (LFI body n° 3 is row 6, p. 237): met by wording
    assert [r.summary_page for r in recs[:4]] == [236, 236, 237, 237]
    assert sum(1 for r in recs if r.summary_page) >= 76
    assert all(r.page < 253 for r in recs)  # the replies' "RECOMMANDATION 17 :" rows are not statements
    earlier = ext.earlier_recommendations
    assert len(earlier) == 116
    first = earlier[0]
    assert (first.number, first.page, first.status, first.group) == \
        ("3", 209, "implemented", "I. L’Agence de l’Informatique de l’Etat (ADIE)")
    assert first.status_term == "Les recommandations effectivement mises en œuvre"
    assert sum(1 for e in earlier if e.status == "no_longer_relevant") == 2  # CDC, « sans objet »


def test_a_data_table_with_status_words_is_no_follow_up_table():
    from extractors.recommendations.followup import earlier_from_table
    from models.records import Table
    works = Table(None, "Marchés de travaux", 38, (
        ("Numéro du marché", "Objet du marché", "Montant TTC", "Année d’achèvement"),
        ("T-258/11", "Travaux de construction du siège", "7 045 156 359", "En cours"),
        ("T/1904/15", "Travaux de construction du lycée", "4 785 965 891", "en cours")))
    assert earlier_from_table(works) == []
    follow = Table(None, "Suivi", 12, (
        ("N°", "Libellé Recommandation", "Degré de la mise en œuvre"),
        ("1", "Conclure un pacte d’actionnaires.", "Totalement"),
        ("1 3", "Disposer d’organisations plus performantes.", "Partiel- lement")))
    got = [(e.number, e.status, e.status_term) for e in earlier_from_table(follow)]
    assert got == [("1", "implemented", "Totalement"), ("13", "partially_implemented", "Partiel- lement")]
