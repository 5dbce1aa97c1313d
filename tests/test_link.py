"""Cross-report links: calibrated on labelled pairs, exact on two successive reports."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from models.records import Extraction, OwnerRef, Recommendation, ReportMeta, Table
from models.schema import open_db
from models.store import report_rows, write_report
from pipeline import link as L
from pipeline.link_calibration import read_labelled, report_lines

DATA = Path(__file__).parent / "data"

JUSTICE = "Ministère de la justice (DACG)"
INTERIEUR = "Ministère de l’intérieur (DGPN, DGGN)"
SDFE = "Secrétariat d’État chargé de l’égalité entre les femmes et les hommes (SDFE)"
SANTE = "Ministère des solidarités et de la santé (DGCS, DGS)"
EDUC = "Ministère de l’éducation nationale (DGESCO)"

# The first report (2012) and the later one (2019). In the later one: 1, 2 and 4 repeat
# (reworded) 1, 3 and 5 of the first; 7 says nearly the same as 7; 3 and 5 address the
# same owners as 4 and 6 but ask something else; 6 is new.
RECS_2012 = (
    (1, "Élaborer un plan national de formation des magistrats, des enquêteurs et des "
        "intervenants sociaux, assorti d’objectifs chiffrés.", (JUSTICE, INTERIEUR)),
    (2, "Désigner dans chaque département un référent chargé de coordonner les acteurs et de "
        "rendre compte annuellement au préfet.", (SDFE,)),
    (3, "Mettre en place un outil statistique commun permettant de suivre les procédures du "
        "dépôt de plainte au jugement.", (JUSTICE,)),
    (4, "Généraliser le téléphone grave danger et en évaluer l’usage dans un délai de deux ans.",
     (JUSTICE, SDFE)),
    (5, "Augmenter l’offre d’hébergement spécialisé et l’adapter à l’accueil des enfants.", (SANTE,)),
    (6, "Intégrer un module sur l’égalité et le respect dans les programmes de l’enseignement "
        "moral et civique.", (EDUC,)),
    (7, "Publier chaque année un bilan de l’activité des commissions départementales de lutte "
        "contre la prostitution.", (SDFE,)),
)
RECS_2019 = (
    (1, "Élaborer un plan national de formation des magistrats, des enquêteurs et des "
        "intervenants sociaux, assorti d’objectifs chiffrés et d’un calendrier.", (JUSTICE, INTERIEUR)),
    (2, "Mettre en place un outil statistique commun aux ministères permettant de suivre les "
        "procédures depuis le dépôt de plainte jusqu’au jugement.", (JUSTICE,)),
    (3, "Généraliser la prise de plainte à l’hôpital pour les victimes de violences conjugales.",
     (JUSTICE, SDFE)),
    (4, "Augmenter l’offre d’hébergement spécialisé pour les victimes et l’adapter à l’accueil "
        "des enfants.", (SANTE,)),
    (5, "Intégrer un module sur le harcèlement scolaire dans la formation initiale des "
        "enseignants.", (EDUC,)),
    (6, "Créer un observatoire régional des violences faites aux femmes dans chaque région.", (SDFE,)),
    (7, "Assurer le suivi national de l’activité des commissions départementales de lutte contre "
        "la prostitution au moyen d’un tableau de bord.", (SDFE,)),
)
A, B = "igas-2012-violences", "igas-2019-violences"
EXPECTED = {(f"{B}:r1", f"{A}:r1", "repeats"), (f"{B}:r2", f"{A}:r3", "repeats"),
            (f"{B}:r4", f"{A}:r5", "repeats"), (f"{B}:r7", f"{A}:r7", "similar")}


def owner_key(name: str) -> str:
    return re.sub(r"[^a-z]+", "-", name.lower()).strip("-")


def extraction(file_name: str, date: str, recs, title: str | None = None,
               numbers: tuple[str, ...] = (), tables: tuple[Table, ...] = ()) -> Extraction:
    """A report's Extraction as the extractors would return it (no PDF needed)."""
    return Extraction(
        report=ReportMeta(file_name, f"sha-{file_name}-{len(recs)}", 40, title or file_name, ("IGAS",),
                          numbers, date),
        recommendations=tuple(Recommendation(n, text, text, "\n".join(owners), owners, 10 + n, 3)
                              for n, text, owners in recs),
        owner_refs=tuple(OwnerRef(n, o, owner_key(o), o, position=i)
                         for n, _, owners in recs for i, o in enumerate(owners)),
        tables=tables)


def add_report(db, ext: Extraction, series: str | None = None) -> str:
    rows = report_rows(ext, [(1, None, "")], "pdfium", {"series": series} if series else None)
    write_report(db, rows)
    return rows["reports"][0]["id"]


def links(db) -> set[tuple[str, str, str]]:
    return {(r["from_id"], r["to_id"], r["kind"]) for r in db["recommendation_links"].rows}


@pytest.fixture(scope="module")
def nlp():
    return L.load_link_nlp()


@pytest.fixture
def db(tmp_path):
    database = open_db(str(tmp_path / "links.db"))
    yield database
    database.conn.close()


@pytest.fixture(scope="module")
def labelled():
    return read_labelled(DATA / "links_labelled.csv")


def test_labelled_pairs_cover_every_kind_and_source(labelled):
    kinds = [p.label for p in labelled]
    assert len(labelled) >= 200 and {"repeats", "similar", "none"} == set(kinds)
    assert all(p.source for p in labelled)
    sources = " ".join(p.source for p in labelled)
    for origin in ("dev report", "sn-ccomptes-2017", "sn-ofnac 2021 vs 2023", "IGAS violences"):
        assert origin in sources
    assert any(p.text_a == p.text_b and p.label == "none" for p in labelled)  # identical boilerplate


def test_thresholds_are_the_calibrated_ones(labelled, nlp):
    found = L.calibrate(labelled, nlp)
    assert found == {"similar": L.SIMILAR_THRESHOLD, "repeats": L.REPEATS_THRESHOLD,
                     "min_shared": L.MIN_SHARED, "symmetric": (L.SYMMETRIC_MIN, L.SYMMETRY_GAP)}


def test_precision_and_recall_on_labelled_pairs(labelled, nlp):
    print("\n" + "\n".join(report_lines(labelled, nlp)))
    m = L.evaluate(labelled, nlp)
    # Measured when the thresholds were calibrated: precision 0.955, recall 0.914
    # (tp 127, fp 6, fn 12), kind right for 0.853 of the 232 pairs.
    assert m.precision >= 0.95
    assert m.recall >= 0.90
    assert m.kind_accuracy >= 0.85


def test_word_vectors_make_synonyms_count(nlp):
    """The two rewordings of issue 14 score higher with meaning than with words alone."""
    a = ("Assurer, au-delà de la diffusion d’outils, une formation des personnels des établissements "
         "de l’enseignement secondaire au repérage du risque de prostitution des élèves")
    b = "Former chaque année les personnels des collèges et lycées au repérage des élèves exposés au risque de prostitution"
    with_vectors = L.score_pair(*L.features([a, b], nlp))
    words_only = L.score_pair(*L.features([a, b], None))
    assert with_vectors.meaning > 0.5 and words_only.meaning == 0.0
    fa, fb = L.features(["former", "formation"], nlp)
    assert L.score_pair(fa, fb).meaning > 0.25  # "former" ~ "formation": no shared lemma


def test_normalise_folds_accents_and_drops_stop_words():
    assert L.normalise("Élaborer un plan national de formation des magistrats") == [
        "elaborer", "plan", "national", "formation", "magistrats"]
    assert L.normalise("Mettre en œuvre les recommandations du présent rapport") == []


@pytest.mark.parametrize("family", __import__("pipeline.link_phrases", fromlist=["FAMILIES"]).FAMILIES,
                         ids=lambda f: f.name)
def test_phrase_families_match_their_examples(family):
    import re
    for example in family.examples:
        assert re.search(family.pattern, example, re.I), (family.name, example)


def test_stock_phrases_fold_to_one_wording():
    from pipeline.link_phrases import fold_phrases
    assert fold_phrases("Réunir au moins une fois par an le comité afin de garantir") == \
        "Réunir annuel le comité pour garantir"
    assert fold_phrases("sur la base d'une réunion annuelle a minima") == "pour une réunion annuelle"
    assert fold_phrases("Publier chaque année un bilan") == fold_phrases("Publier annuellement un bilan")
    # two meetings a year are not one: only « une fois par an » is folded
    assert fold_phrases("Réunir deux fois par an le comité") == "Réunir deux fois par an le comité"


@pytest.mark.parametrize("a,b,kind", [
    ("Transférer aux agences régionales de santé la tutelle des centres de lutte antituberculeuse.",
     "Transférer la tutelle des centres de lutte antituberculeuse aux agences régionales de santé.",
     "repeats"),
    ("Mettre en œuvre les recommandations du présent rapport.",
     "Mettre en œuvre les recommandations du présent rapport.", "none"),
    ("Doter chaque juridiction d'un bureau d'aide aux victimes ouvert tous les jours ouvrables.",
     "Doter chaque juridiction d'un greffe unique pour l'accueil des justiciables.", "none"),
    # the same request with the stock phrases of a restatement (« au moins une fois par an »
    # for « une réunion annuelle a minima », « afin de » for « en vue de »)
    ("Réunir le comité de suivi interministériel en vue d’assurer une mise en œuvre complète de la loi et "
     "d’en adapter les dispositifs, sur la base d'une réunion annuelle a minima",
     "Réunir au moins une fois par an le comité interministériel de suivi afin de garantir l’application "
     "complète de la loi et d’adapter ses dispositifs.", "repeats"),
])
def test_classify_pairs(a, b, kind, nlp):
    fa, fb = L.features([a, b], nlp)
    assert L.classify(L.score_pair(fa, fb)) == kind


def test_links_between_two_successive_reports_are_exactly_the_repeats(db, nlp):
    add_report(db, extraction("igas-2012-violences.pdf", "2012-12", RECS_2012))
    add_report(db, extraction("igas-2019-violences.pdf", "2019-12", RECS_2019))
    n = L.link_reports(db, [B], nlp)
    assert links(db) == EXPECTED and n == len(EXPECTED)
    row = db["recommendation_links"].get(f"{B}:r1->{A}:r1")
    assert row["similarity"] >= L.REPEATS_THRESHOLD and row["method"] == "fuzzy+lemma+vectors"


def test_recommendation_history_shows_links_both_ways(db, nlp):
    add_report(db, extraction("igas-2012-violences.pdf", "2012-12", RECS_2012, "Rapport 2012"))
    add_report(db, extraction("igas-2019-violences.pdf", "2019-12", RECS_2019, "Rapport 2019"))
    L.link_reports(db, [B], nlp)
    hist = {r["recommendation_id"]: r for r in db.query("SELECT * FROM recommendation_history")}
    assert len(hist) == 14
    later, earlier = hist[f"{B}:r2"], hist[f"{A}:r3"]
    assert later["n_links"] == 1 and later["links"] == f"réitère {A} n°3 (2012)"
    assert earlier["links"] == f"réitérée par {B} n°2 (2019)"
    assert later["report_title"] == "Rapport 2019" and later["report_year"] == 2019
    assert hist[f"{B}:r7"]["links"] == f"similaire à {A} n°7 (2012)"
    assert hist[f"{B}:r6"]["n_links"] == 0 and hist[f"{B}:r6"]["links"] is None
    assert hist[f"{B}:r6"]["latest_status"] == "inconnu"


def test_never_links_within_a_report_or_to_itself(db, nlp):
    twice = RECS_2012 + ((8, RECS_2012[0][1], RECS_2012[0][2]),)
    add_report(db, extraction("a.pdf", "2012-01", twice))
    add_report(db, extraction("b.pdf", "2013-01", RECS_2012[:1]))
    L.link_reports(db, None, nlp)
    for from_id, to_id, _ in links(db):
        assert from_id.split(":")[0] != to_id.split(":")[0]
    # One partner per recommendation and pair of reports: b:r1 links to one of a:r1, a:r8.
    assert len(links(db)) == 1 and next(iter(links(db)))[0] == "b:r1"


def test_incremental_linking_and_replacement(db, nlp):
    add_report(db, extraction("igas-2012-violences.pdf", "2012-12", RECS_2012))
    add_report(db, extraction("igas-2019-violences.pdf", "2019-12", RECS_2019))
    L.link_reports(db, [B], nlp)
    # A third report repeats recommendation 4 of 2012: only its own pairs are computed.
    later = ((1, RECS_2012[3][1], RECS_2012[3][2]),)
    add_report(db, extraction("igas-2021-violences.pdf", "2021-06", later))
    L.link_reports(db, ["igas-2021-violences"], nlp)
    assert links(db) == EXPECTED | {("igas-2021-violences:r1", f"{A}:r4", "repeats")}
    # Replacing the 2019 report removes its links; relinking it brings back what it says now.
    add_report(db, extraction("igas-2019-violences.pdf", "2019-12", RECS_2019[:2]))
    assert links(db) == {("igas-2021-violences:r1", f"{A}:r4", "repeats")}
    L.link_reports(db, [B], nlp)
    assert links(db) == {("igas-2021-violences:r1", f"{A}:r4", "repeats"),
                         (f"{B}:r1", f"{A}:r1", "repeats"), (f"{B}:r2", f"{A}:r3", "repeats")}


def test_same_series_makes_follows_up(db, nlp):
    add_report(db, extraction("igas-2012-violences.pdf", "2012-12", RECS_2012), series="violences")
    add_report(db, extraction("igas-2019-violences.pdf", "2019-12", RECS_2019), series="violences")
    L.link_reports(db, [B], nlp)
    # what the text says, and that the later report follows the earlier one up
    assert links(db) == EXPECTED | {(f, t, "follows_up") for f, t, _ in EXPECTED}
    assert db["recommendation_links"].get(f"{B}:r7->{A}:r7:follows_up")["method"] == "fuzzy+lemma+vectors+assessed"


def test_owner_scorecard_counts_latest_statuses(db):
    from pipeline.statuses import write_statuses

    add_report(db, extraction("igas-2012-violences.pdf", "2012-12", RECS_2012))
    rows = []
    for number, status, as_of in ((1, "in_progress", "2014"), (1, "implemented", "2016-05"),
                                  (3, "not_implemented", "2016")):
        rec_id = f"{A}:r{number}"
        rows.append({"id": f"{rec_id}:{as_of}", "recommendation_id": rec_id, "report_id": A,
                     "number": str(number), "status": status, "as_of": as_of})
    write_statuses(db, rows)
    # Directorates roll up into their ministry; these owners have none, so each is its own.
    card = {r["owner"]: r for r in db.query("SELECT * FROM owner_scorecard")}
    justice = card[JUSTICE]
    assert justice["recommendations"] == 3 and justice["reports"] == 1
    assert (justice["implemented"], justice["not_implemented"], justice["in_progress"],
            justice["unknown"]) == (1, 1, 0, 1)
    assert card[SANTE]["unknown"] == 1
    # Cour des comptes' rate: implemented + partially among assessed (2 assessed here).
    assert justice["assessed"] == 2 and justice["rate"] == 50.0


@pytest.mark.slow
def test_ingest_two_fixture_pdfs_links_them(tmp_path):
    """End to end: two generated PDFs through pipeline.ingest.ingest (extract + link)."""
    pytest.importorskip("extractors.metadata", reason="the extractors have not landed yet")
    from pipeline.ingest import ingest
    from tests.fixtures.builder import build_pdf
    from tests.fixtures.examples import body, summary
    from tests.fixtures.specs import Cover, Layout, Part, Report

    for name, date, recs in (("igas-2012-violences.pdf", "Décembre 2012", RECS_2012),
                             ("igas-2019-violences.pdf", "Décembre 2019", RECS_2019)):
        spec = [(n, t, o, "Thème") for n, t, o in recs]
        report = Report(Cover("Évaluation de la lutte contre les violences faites aux femmes",
                              ("IGAS",), (f"IGAS N°{date[-4:]}-001R",), date),
                        (Part("RÉCAPITULATIF DES RECOMMANDATIONS"), summary(spec), *body(spec, depth=2)))
        build_pdf(report, Layout(), tmp_path / "corpus" / name)
    result = ingest([str(tmp_path / "corpus")], str(tmp_path / "r.db"))
    assert result.failed == [] and len(result.ingested) == 2
    db = open_db(str(tmp_path / "r.db"))
    assert links(db) == EXPECTED
    hist = {r["recommendation_id"]: r for r in db.query("SELECT * FROM recommendation_history")}
    assert hist[f"{B}:r4"]["links"].startswith(f"réitère {A} n°5")
    db.conn.close()
