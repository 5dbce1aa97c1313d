"""Status tables of follow-up reports, from extracted tables and from page lines."""
from __future__ import annotations

import pytest

from extractors.patterns.statuses import REC_REF, classify_status, fold
from extractors.status_tables import find_status_observations, observations_from_table
from models.records import Table

ROWS = (
    ("Recommandation n° 1", "Ministère de la justice (DACG)", "Totalement mise en œuvre"),
    ("Recommandation n° 2", "Premier ministre (SDFE)", "Mise en œuvre incomplète"),
    ("Recommandation n° 3", "Ministère de la justice (DACG)", "Non mise en œuvre"),
    ("Recommandation n° 4", "Ministère de l’intérieur (DGPN, DGGN)", "Mise en œuvre en cours"),
    ("Recommandation n° 5", "Ministère des solidarités et de la santé (DGCS)", "Devenue sans objet"),
    ("Recommandation n° 6", "Ministère de l’éducation nationale (DGESCO)", "Refus"),
)
EXPECTED = {"1": "implemented", "2": "partially_implemented", "3": "not_implemented",
            "4": "in_progress", "5": "no_longer_relevant", "6": "refused"}
HEADER = ("Recommandation", "Destinataire", "État de mise en œuvre")


def test_fold():
    assert fold("Totalement MISE-EN-ŒUVRE ") == "totalement mise en oeuvre"
    assert fold("N/A") == "na"


@pytest.mark.parametrize("text,status", [
    ("Totalement mise en œuvre", "implemented"), ("Mise en œuvre", "implemented"),
    ("Réalisée", "implemented"), ("En cours", "in_progress"), ("Engagée", "in_progress"),
    ("Mise en œuvre partielle", "partially_implemented"), ("Non réalisée", "not_implemented"),
    ("Pas de mise en œuvre", "not_implemented"), ("Refus de mise en œuvre", "refused"),
    ("Sans objet", "no_longer_relevant"), ("Non évaluée", "unknown"), ("N/A", "unknown"),
    ("Rejected", "refused"), ("Closed – Implemented", "implemented"),
    ("La mission recommande de créer un fonds", None), ("Ministère de la justice", None),
    ("Recommandation n° 3", None), ("1 939", None),
])
def test_status_terms(text, status):
    assert classify_status(text) == status


def test_status_term_before_a_remark():
    assert classify_status("Mise en œuvre incomplète : le décret n'est pas paru", whole=False) == \
        "partially_implemented"
    assert classify_status("non mise en œuvre", whole=False) == "not_implemented"


@pytest.mark.parametrize("cell,num", [
    ("3", "3"), ("R3", "3"), ("R 3", "3"), ("n° 3", "3"), ("Recommandation n° 3", "3"),
    ("Recommandation 12 : Créer un fonds", "12"), ("Reco. 4", "4"),
    ("2019", None), ("12,5 %", None), ("Ministère", None),
])
def test_recommendation_reference(cell, num):
    m = REC_REF.match(cell)
    assert (m["num"] if m else None) == num


def test_table_with_cour_des_comptes_terms():
    obs = observations_from_table(Table(1, "Suivi", 7, (HEADER, *ROWS)), "rapport de 2019")
    assert {o.number: o.status for o in obs} == EXPECTED
    first = obs[0]
    assert (first.owner, first.source_term, first.page, first.context) == (
        "Ministère de la justice (DACG)", "Totalement mise en œuvre", 7, "rapport de 2019")


def test_table_with_short_refs_remarks_and_targets():
    cells = (("N°", "Recommandation", "Échéance initiale", "Échéance révisée", "Statut", "Observations"),
             ("R1", "Créer un fonds", "2020", "2022", "En cours", "Décret en préparation"),
             ("R2", "Supprimer la taxe", "2019", "", "Réalisée", ""),
             ("3", "Publier le bilan", "2021", "", "Abandonnée", "Jugée inutile"))
    obs = observations_from_table(Table(None, None, 2, cells))
    assert [(o.number, o.status, o.original_target, o.revised_target, o.evidence) for o in obs] == [
        ("1", "in_progress", "2020", "2022", "Décret en préparation"),
        ("2", "implemented", "2019", None, None),
        ("3", "refused", "2021", None, "Jugée inutile")]


def test_a_data_table_is_not_a_status_table():
    cells = (("Département", "Plaintes", "Condamnations", "Taux"),
             ("Ain", "137", "73", "27,0 %"), ("Aisne", "174", "126", "34,1 %"))
    assert observations_from_table(Table(1, "Plaintes", 3, cells)) == []
    # One stray status word without a status header is not enough either.
    cells = (("N°", "Mesure", "Commentaire"), ("1", "Créer un fonds", "Réalisée"),
             ("2", "Supprimer la taxe", "Le décret est paru"))
    assert observations_from_table(Table(1, "Mesures", 3, cells)) == []
    # A package list whose size column holds bare numbers and whose last cell says « N/A »
    # (fr-debian-reference p. 224) is not a status table.
    cells = (("paquet", "popcon", "taille", "commande", "description"),
             ("git", "V:305, I:517", "44453", "git(7)", "Git, système de contrôle de version"),
             ("git-doc", "I:13", "12989", "N/A", "Documentation officielle de git"),
             ("gitmagic", "I:0", "721", "N/A", "« Git Magic », le guide le plus facile"))
    assert observations_from_table(Table(None, "Liste des paquets", 224, cells)) == []


@pytest.fixture(scope="module")
def follow_up_pdf(tmp_path_factory):
    """A Cour des comptes-style follow-up: a ruled table with the status of six recommendations."""
    from tests.fixtures.builder import build_pdf
    from tests.fixtures.specs import Cover, DataTable, Layout, Paragraph, Part, Report

    report = Report(
        Cover("Suivi des recommandations du rapport sur les violences faites aux femmes",
              ("Cour des comptes",), ("S2021-0042",), "Mars 2021"),
        (Part("INTRODUCTION"),
         Paragraph("La Cour a examiné les suites données au rapport IGAS N°2019-080R de décembre 2019."),
         DataTable(1, "État de mise en œuvre des recommandations du rapport de 2019", (HEADER,), ROWS,
                   source="Source : Cour des comptes"),
         Paragraph("La Cour réitère sa recommandation relative à l'outil statistique commun.")))
    return build_pdf(report, Layout(), tmp_path_factory.mktemp("status") / "ccomptes-2021-suivi.pdf")


def test_fixture_pdf_status_table_from_lines(follow_up_pdf):
    from extractors.layout import read_document

    doc = read_document(str(follow_up_pdf.path))
    obs = find_status_observations(doc, ())
    assert {o.number: o.status for o in obs} == EXPECTED
    assert all(o.page == follow_up_pdf.tables[0].page and o.method == "lines" for o in obs)
    assert "IGAS N°2019-080R" in obs[0].context


def test_fixture_pdf_status_table_from_extracted_table(follow_up_pdf):
    from extractors.layout import read_document

    doc = read_document(str(follow_up_pdf.path))
    truth = follow_up_pdf.tables[0]
    obs = find_status_observations(doc, [Table(truth.number, truth.caption, truth.page, truth.cells)])
    assert {o.number: o.status for o in obs} == EXPECTED
    assert obs[1].owner == "Premier ministre (SDFE)" and obs[1].source_term == "Mise en œuvre incomplète"
    assert "rapport de 2019" in obs[0].context


@pytest.mark.slow
def test_ingest_follow_up_pdf_gives_statuses(tmp_path, follow_up_pdf):
    """End to end: the earlier report and its follow-up through pipeline.ingest.ingest."""
    import shutil

    from models.schema import open_db
    from pipeline.ingest import ingest
    from tests.fixtures.builder import build_pdf
    from tests.fixtures.examples import RECS, body, summary
    from tests.fixtures.specs import Cover, Layout, Part, Report

    corpus = tmp_path / "corpus"
    earlier = Report(Cover("Évaluation de la lutte contre les violences faites aux femmes", ("IGAS",),
                           ("IGAS N°2019-080R",), "Décembre 2019"),
                     (Part("RÉCAPITULATIF DES RECOMMANDATIONS"), summary(RECS), *body(RECS, depth=2)))
    build_pdf(earlier, Layout(), corpus / "igas-2019-violences.pdf")
    shutil.copy(follow_up_pdf.path, corpus / follow_up_pdf.path.name)
    result = ingest([str(corpus)], str(tmp_path / "r.db"))
    assert result.failed == []
    db = open_db(str(tmp_path / "r.db"))
    got = {r["number"]: r["status"] for r in db["statuses"].rows}
    assert got == EXPECTED
    assert {r["assessed_by_report_id"] for r in db["statuses"].rows} == {"ccomptes-2021-suivi"}
    db.conn.close()
