"""Reprinted earlier recommendations land on the right recommendation, in any ingest
order; identical copies are flagged and never linked; reworded reports link with the
right kind."""
from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from models.latest import STATUS_LABELS
from models.link_kinds import FROM_LABELS, LINK_KINDS, TO_LABELS
from models.records import EarlierRecommendation
from models.schema import open_db
from pipeline import link as L
from tests.test_link import JUSTICE, SANTE, SDFE, add_report, extraction, links

# An earlier evaluation (2015) and its follow-up (2018), which reprints four of its
# recommendations in an X-mark table with their status and makes two of its own: the
# first restates the earlier n° 2, the second is new.
EARLIER_RECS = (
    (1, "Créer un observatoire national des violences faites aux femmes doté d’un budget propre.", (SDFE,)),
    (2, "Généraliser le téléphone grave danger dans toutes les juridictions et en évaluer l’usage.", (JUSTICE,)),
    (3, "Former les médecins urgentistes au repérage des violences conjugales.", (SANTE,)),
    (4, "Publier chaque année le nombre de féminicides et les suites judiciaires données.", (JUSTICE,)),
    (5, "Ouvrir dans chaque département un accueil de jour pour les femmes victimes.", (SDFE,)),
)
FOLLOW_UP_RECS = (
    (1, "Généraliser le téléphone grave danger dans toutes les juridictions et en évaluer l’usage.", (JUSTICE,)),
    (2, "Créer un fonds d’indemnisation des orphelins de féminicide.", (JUSTICE,)),
)
# (number, text as reprinted, status code, column header of the X mark)
REPRINTS = (
    ("1", "Créer un observatoire national des violences faites aux femmes doté d’un budget propre",
     "implemented", "Mise en œuvre"),
    ("2", "Généraliser le téléphone grave danger dans toutes les juridictions et en évaluer l’usage",
     "partially_implemented", "Partiellement mise en œuvre"),
    ("3", "Former les médecins urgentistes au repérage des violences conjugales",
     "not_implemented", "Non mise en œuvre"),
    ("5", "Ouvrir dans chaque département un accueil de jour pour les femmes victimes",
     "in_progress", "En cours"),
)
EARLIER, FOLLOW = "igas-2015-violences", "igas-2018-suivi-violences"


def earlier_ext():
    return extraction("igas-2015-violences.pdf", "2015-06", EARLIER_RECS, "Évaluation 2015")


def follow_up_ext():
    ext = extraction("igas-2018-suivi-violences.pdf", "2018-03", FOLLOW_UP_RECS, "Suivi 2018")
    reprints = tuple(EarlierRecommendation(n, text, None, 4, status, term,
                                           cites="Rapport IGAS n° 2015-012R")
                     for n, text, status, term in REPRINTS)
    return replace(ext, earlier_recommendations=reprints)


@pytest.fixture(scope="module")
def nlp():
    return L.load_link_nlp()


@pytest.fixture
def db(tmp_path):
    database = open_db(str(tmp_path / "e.db"))
    yield database
    database.conn.close()


def ingest(db, ext, nlp) -> str:
    rid = add_report(db, ext)
    L.update_after_ingest(db, [rid], nlp)
    return rid


def statuses(db) -> set[tuple]:
    return {(r["id"], r["recommendation_id"], r["report_id"], r["status"], r["source_term"], r["as_of"],
             r["assessed_by_report_id"], r["method"]) for r in db["statuses"].rows}


EXPECTED_STATUSES = {(f"{EARLIER}:r1", "implemented", "Mise en œuvre"),
                     (f"{EARLIER}:r2", "partially_implemented", "Partiellement mise en œuvre"),
                     (f"{EARLIER}:r3", "not_implemented", "Non mise en œuvre"),
                     (f"{EARLIER}:r5", "in_progress", "En cours")}


def test_earlier_report_first_statuses_land_on_its_recommendations(db, nlp):
    ingest(db, earlier_ext(), nlp)
    ingest(db, follow_up_ext(), nlp)
    got = {(s[1], s[3], s[4]) for s in statuses(db)}
    assert got == EXPECTED_STATUSES
    assert all(s[2] == EARLIER and s[5] == "2018-03" and s[6] == FOLLOW for s in statuses(db))
    # the follow-up's own n° 1 restates the earlier n° 2, and the follow-up assesses it
    assert links(db) == {(f"{FOLLOW}:r1", f"{EARLIER}:r2", "repeats"),
                         (f"{FOLLOW}:r1", f"{EARLIER}:r2", "follows_up")}
    matched = {r["number"]: r["recommendation_id"] for r in db["earlier_recommendations"].rows}
    assert matched == {"1": f"{EARLIER}:r1", "2": f"{EARLIER}:r2", "3": f"{EARLIER}:r3", "5": f"{EARLIER}:r5"}
    assert db.execute("SELECT COUNT(*) FROM reports WHERE status = 'stub'").fetchone()[0] == 0
    hist = {r["recommendation_id"]: r for r in db.query("SELECT * FROM recommendation_history")}
    assert hist[f"{EARLIER}:r3"]["latest_status"] == "non mise en œuvre"
    assert hist[f"{EARLIER}:r4"]["latest_status"] == "inconnu"


def test_follow_up_first_keeps_statuses_on_a_stub_then_moves_them(db, nlp):
    ingest(db, follow_up_ext(), nlp)
    stubs = db.execute("SELECT id, title, file_name FROM reports WHERE status = 'stub'").fetchall()
    assert len(stubs) == 1 and "Rapport IGAS n° 2015-012R" in stubs[0][1]
    assert stubs[0][2] == stubs[0][0]  # no PDF: a name no file has, never NULL
    stub = stubs[0][0]
    stub_recs = {r["number"]: r for r in db.query("SELECT * FROM recommendations WHERE report_id = ?", [stub])}
    assert set(stub_recs) == {"1", "2", "3", "5"} and all(r["method"] == "stub" for r in stub_recs.values())
    assert stub_recs["3"]["text"] == REPRINTS[2][1]
    assert {(s[1], s[3]) for s in statuses(db)} == {(f"{stub}:r{n}", st) for n, _, st, _ in REPRINTS}
    assert links(db) == set()  # stubs are not linked

    ingest(db, earlier_ext(), nlp)
    assert {(s[1], s[3], s[4]) for s in statuses(db)} == EXPECTED_STATUSES
    assert db.execute("SELECT COUNT(*) FROM reports WHERE status = 'stub'").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM recommendations WHERE method = 'stub'").fetchone()[0] == 0
    assert links(db) == {(f"{FOLLOW}:r1", f"{EARLIER}:r2", "repeats"),
                         (f"{FOLLOW}:r1", f"{EARLIER}:r2", "follows_up")}


def test_either_ingest_order_gives_the_same_rows(tmp_path, nlp):
    results = []
    for order in ((earlier_ext, follow_up_ext), (follow_up_ext, earlier_ext)):
        database = open_db(str(tmp_path / f"{order[0].__name__}.db"))
        for make in order:
            ingest(database, make(), nlp)
        results.append((statuses(database), links(database),
                        {(r["id"], r["recommendation_id"]) for r in database["earlier_recommendations"].rows}))
        database.conn.close()
    assert results[0] == results[1]
    assert len(results[0][0]) == 4


def test_reingesting_the_follow_up_replaces_its_statuses(db, nlp):
    ingest(db, earlier_ext(), nlp)
    ingest(db, follow_up_ext(), nlp)
    fewer = replace(follow_up_ext(), earlier_recommendations=follow_up_ext().earlier_recommendations[:2])
    ingest(db, fewer, nlp)
    assert {(s[1], s[3], s[4]) for s in statuses(db)} == {
        (f"{EARLIER}:r1", "implemented", "Mise en œuvre"),
        (f"{EARLIER}:r2", "partially_implemented", "Partiellement mise en œuvre")}


def test_reprints_of_another_report_do_not_land_on_a_stored_one(db, nlp):
    """Same numbers, other texts: the stored report is not the one reprinted."""
    other = extraction("igas-2015-logement.pdf", "2015-01", (
        (1, "Construire cinq cents logements sociaux par an dans chaque métropole.", (SANTE,)),
        (2, "Réformer les aides personnelles au logement.", (SANTE,)),
        (3, "Créer un fichier national des demandes de logement.", (SANTE,)),
        (5, "Réduire les délais d’attribution des logements sociaux.", (SANTE,)),
    ))
    ingest(db, other, nlp)
    ingest(db, follow_up_ext(), nlp)
    assert not any(s[2] == "igas-2015-logement" for s in statuses(db))
    assert db.execute("SELECT COUNT(*) FROM reports WHERE status = 'stub'").fetchone()[0] == 1


def test_identical_copies_are_flagged_and_never_linked(db, nlp, caplog):
    base = earlier_ext()
    ingest(db, base, nlp)
    with caplog.at_level(logging.INFO, logger="pipeline.link"):
        for name in ("copie-1.pdf", "copie-2.pdf", "copie-3.pdf", "copie-4.pdf", "copie-5.pdf"):
            ingest(db, replace(base, report=replace(base.report, file_name=name)), nlp)
    assert links(db) == set()
    flagged = {r["report_id"]: r for r in db.query("SELECT * FROM quality WHERE kind = 'identical_copy'")}
    assert set(flagged) == {f"copie-{k}" for k in range(1, 6)}  # six copies, no link among them
    assert "igas-2015-violences.pdf" in flagged["copie-1"]["message"]
    assert any("copie-2.pdf: same file as" in m for m in caplog.messages)
    # a reworded later report still links to one copy's recommendations as to the other's
    ingest(db, follow_up_ext(), nlp)
    assert all(kind in ("repeats", "follows_up") for _, _, kind in links(db))


def test_kind_labels_in_french_for_the_pages():
    assert set(FROM_LABELS) == set(TO_LABELS) == set(LINK_KINDS)
    assert FROM_LABELS["repeats"] == "réitère" and TO_LABELS["follows_up"] == "suivie par"
    from models.views import VIEWS  # the views spell the same words
    for word in (*FROM_LABELS.values(), *TO_LABELS.values()):
        assert f"'{word}'" in VIEWS["recommendation_history"]


# Two reports, the later one rewording the earlier with synonyms and reordered clauses.
# Kinds as read: 1 and 2 are narrower rewordings (similar: the two pairs of issue 14);
# 3, 4, 6 and 7 restate with synonyms or reordered clauses (repeats); 5 asks something
# else of the same addressee (no link).
FIRST = (
    (1, "Assurer, au-delà de la diffusion d’outils, une formation des personnels des établissements de "
        "l’enseignement secondaire au repérage du risque de prostitution des élèves et en évaluer la mise en œuvre",
     ("Ministère de l’éducation nationale (DGESCO)",)),
    (2, "Faire de l’accès aux soins une priorité sanitaire pour les personnes prostituées en augmentant le "
        "temps médical et paramédical des services concernés", (SANTE,)),
    (3, "Transférer aux agences régionales de santé la tutelle des centres de lutte antituberculeuse.", (SANTE,)),
    (4, "Réunir le comité de suivi interministériel en vue d’assurer une mise en œuvre complète de la loi et "
        "d’en adapter les dispositifs, sur la base d'une réunion annuelle a minima", (SDFE,)),
    (5, "Doter chaque juridiction d'un bureau d'aide aux victimes ouvert tous les jours ouvrables.", (JUSTICE,)),
    (6, "Réviser les modalités de fonctionnement de la commission départementale de lutte contre la "
        "prostitution, en prévoyant une formation restreinte pour l’examen des parcours de sortie de la "
        "prostitution", (SDFE,)),
    (7, "Mentionner les items « prostitution » ou « risque de prostitution ou d’exploitation sexuelle » dans "
        "les fiches renseignées par les cellules de recueil des informations préoccupantes des conseils "
        "départementaux et sur le site du 119", ("Secrétariat d'État chargé de la protection de l'enfance",)),
)
LATER = (
    (1, "Former chaque année les personnels des collèges et lycées au repérage des élèves exposés au risque "
        "de prostitution, et évaluer ces formations.", ("Ministère de l’éducation nationale (DGESCO)",)),
    (2, "Renforcer le temps médical et paramédical consacré aux personnes en situation de prostitution dans "
        "les services hospitaliers concernés.", (SANTE,)),
    (3, "Transférer la tutelle des centres de lutte antituberculeuse aux agences régionales de santé.", (SANTE,)),
    (4, "Réunir au moins une fois par an le comité interministériel de suivi afin de garantir l’application "
        "complète de la loi et d’adapter ses dispositifs.", (SDFE,)),
    (5, "Doter chaque juridiction d'un greffe unique pour l'accueil des justiciables.", (JUSTICE,)),
    (6, "Prévoir une formation restreinte pour examiner les parcours de sortie de la prostitution, en révisant "
        "le fonctionnement de la commission départementale de lutte contre la prostitution.", (SDFE,)),
    (7, "Dans les fiches des cellules départementales de recueil des informations préoccupantes et sur le site "
        "du 119, faire figurer les rubriques « prostitution » et « risque de prostitution ou d’exploitation "
        "sexuelle ».", ("Secrétariat d'État chargé de la protection de l'enfance",)),
)
AS_READ = {1: "similar", 2: "similar", 3: "repeats", 4: "repeats", 6: "repeats", 7: "repeats"}


def test_reworded_report_links_every_pair_and_kinds(db, nlp):
    ingest(db, extraction("igas-2016-sante.pdf", "2016-01", FIRST), nlp)
    ingest(db, extraction("igas-2020-sante.pdf", "2020-01", LATER), nlp)
    a, b = "igas-2016-sante", "igas-2020-sante"
    found = {int(f.split(":r")[1]): (t, kind) for f, t, kind in links(db)}
    # every reworded pair is found, to the right partner, and 5 is not linked
    assert {n: t for n, (t, _) in found.items()} == {n: f"{a}:r{n}" for n in AS_READ}
    assert {n: kind for n, (_, kind) in found.items()} == AS_READ


# --- end to end: two generated PDFs, a report and its follow-up with an X-mark table -------

def _earlier_pdf_spec():
    """The 2010 report the follow-up-x-table fixture reprints: its four recommendations in
    boxes, with the addressee in the label."""
    from tests.fixtures.examples import text
    from tests.fixtures.list_conventions import EARLIER as REPRINTED
    from tests.fixtures.specs import Cover, Heading, Layout, Paragraph, Part, RecommendationBox, Report

    blocks = [Part("INTRODUCTION"), Paragraph(text(0, 3)), Heading("Un service public face à un défi", 1),
              Paragraph(text(1, 4))]
    blocks += [RecommendationBox(n, t, owner, "boxed", "Recommandation n°{n} ({owner}) :")
               for n, t, owner, _ in REPRINTED]
    cover = Cover("La Poste : un service public face à un défi sans précédent", ("Cour des comptes",),
                  ("Rapport public thématique",), "Juillet 2010")
    return Report(cover, tuple(blocks)), Layout()


@pytest.fixture(scope="module")
def pdf_pair(tmp_path_factory):
    from tests.fixtures.builder import build_pdf
    from tests.fixtures.list_conventions import list_convention

    out = tmp_path_factory.mktemp("followup")
    earlier = build_pdf(*_earlier_pdf_spec(), out / "ccomptes-2010-la-poste.pdf").path
    follow = build_pdf(*list_convention("followup-x-table"), out / "ccomptes-2019-suivi-la-poste.pdf").path
    return earlier, follow


@pytest.mark.slow
@pytest.mark.parametrize("order", ["earlier first", "follow-up first"])
def test_ingest_followup_pdf_pair_in_either_order(pdf_pair, tmp_path, order):
    from pipeline.ingest import ingest as ingest_files
    from tests.fixtures.list_conventions import EARLIER as REPRINTED

    earlier, follow = pdf_pair
    db_path = str(tmp_path / "pair.db")
    for path in ((earlier, follow) if order == "earlier first" else (follow, earlier)):
        result = ingest_files([str(path)], db_path)
        assert result.failed == [] and len(result.ingested) == 1
    database = open_db(db_path)
    try:
        got = {(r["recommendation_id"], r["status"], r["source_term"], r["assessed_by_report_id"])
               for r in database["statuses"].rows}
        terms = ("Réalisée", "En cours", "Non réalisée")
        codes = ("implemented", "in_progress", "not_implemented")
        assert got == {(f"ccomptes-2010-la-poste:r{n}", codes[k], terms[k], "ccomptes-2019-suivi-la-poste")
                       for n, _, _, k in REPRINTED}
        assert database.execute("SELECT COUNT(*) FROM reports WHERE status = 'stub'").fetchone()[0] == 0
        hist = {r["recommendation_id"]: r["latest_status"] for r in database.query(
            "SELECT * FROM recommendation_history WHERE report_id = 'ccomptes-2010-la-poste'")}
        assert hist == {f"ccomptes-2010-la-poste:r{n}": STATUS_LABELS[codes[k]] for n, _, _, k in REPRINTED}
    finally:
        database.conn.close()
