"""Publish the database with Datasette: metadata built from code, and `suivi serve`.

Nothing here is maintained by hand per report: `build_metadata` looks at which tables
and views the database holds and describes them (French labels and descriptions, facets,
sort orders, full-text search, canned queries). The project's Datasette plugin
(`pipeline.datasette`) reads the `plugins.suivi` block of the same metadata: the
corpus folders where the report PDFs are found (page images) and the column labels.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
from pathlib import Path

from models.errors import SuiviError
from models.latest import STATUS_LABELS  # French labels; the codes stay in the database

log = logging.getLogger(__name__)

TITLE = "suivi — recommandations des rapports d'inspection"
DESCRIPTION = (
    "Recommandations, sections, notes de bas de page et tableaux extraits des rapports "
    "d'inspection (IGAS, IGA, IGJ, IGF, Cour des comptes…). Chaque élément renvoie à sa page "
    "dans le rapport, avec la zone surlignée. Commencez par « Recommandations par "
    "destinataire » ou par la recherche plein texte (les accents sont facultatifs)."
)
SOURCE = "Rapports publics des corps d'inspection et de la Cour des comptes"
LICENSE = "Licence Ouverte / Open Licence 2.0 (Etalab)"
LICENSE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


_BBOX = {
    "x0": ("Zone : gauche", "Bord gauche de la zone sur la page, en points PDF depuis la gauche."),
    "top": ("Zone : haut", "Bord haut de la zone, en points PDF depuis le haut de la page."),
    "x1": ("Zone : droite", "Bord droit de la zone, en points PDF."),
    "bottom": ("Zone : bas", "Bord bas de la zone, en points PDF depuis le haut de la page."),
}
_REPORT = ("Rapport", "Rapport d'où provient la ligne (identifiant = nom du fichier).")

# table -> column -> (French label, description). Columns not listed keep their name.
COLUMNS: dict[str, dict[str, tuple[str, str]]] = {
    "reports": {
        "id": ("Identifiant", "Identifiant du rapport, dérivé du nom du fichier PDF."),
        "file_name": ("Fichier", "Nom du fichier PDF ingéré."),
        "sha256": ("Empreinte SHA-256", "Empreinte du fichier : un fichier modifié remplace son rapport."),
        "title": ("Titre", "Titre du rapport (page de couverture ou manifeste)."),
        "bodies": ("Corps d'inspection", "Corps signataires (liste JSON), p. ex. IGAS, IGJ."),
        "report_numbers": ("Numéros", "Numéros du rapport tels qu'imprimés (liste JSON)."),
        "date": ("Date", "Mois de publication (AAAA-MM)."),
        "year": ("Année", "Année de publication."),
        "page_count": ("Nombre de pages", "Pages physiques du PDF."),
        "series": ("Série", "Série ou collection (manifeste du corpus)."),
        "url": ("Lien", "Adresse publique du rapport."),
        "backend": ("Lecteur PDF", "Bibliothèque utilisée pour lire le PDF."),
        "status": ("Extraction", "ok ; partial quand des anomalies ont été relevées ; repaired quand "
                                 "le fichier était endommagé et a dû être réparé (table quality)."),
        "ingested_at": ("Ingéré le", "Date et heure de l'ingestion (UTC)."),
        "path": ("Chemin", "Emplacement du fichier lors de l'ingestion."),
        "file_name_bytes": ("Nom d'origine (octets)", "Octets du nom de fichier (hexadécimal) quand "
                                                      "ils ne sont pas de l'UTF-8."),
        "duplicate_of": ("Copie de", "Rapport au contenu identique (même empreinte) ingéré avant."),
    },
    "recommendations": {
        "id": ("Identifiant", "rapport:rN — stable d'une ingestion à l'autre."),
        "report_id": _REPORT,
        "position": ("Ordre", "Rang de la recommandation dans le rapport."),
        "number": ("N°", "Numéro de la recommandation."),
        "label": ("N° imprimé", "Numéro tel qu'imprimé (« R7 », « n° 7 »…)."),
        "text": ("Texte", "Libellé dans le corps du rapport."),
        "summary_text": ("Texte (récapitulatif)", "Libellé dans le tableau récapitulatif, s'il diffère."),
        "owner": ("Destinataire", "Destinataire(s) tel(s) qu'imprimé(s)."),
        "page": ("Page (corps)", "Page physique du PDF où la recommandation est énoncée ; le lien montre la page surlignée."),
        "summary_page": ("Page (récapitulatif)", "Page physique de sa ligne dans le tableau récapitulatif."),
        "theme": ("Thème", "Rubrique du tableau récapitulatif."),
        "section_number": ("Section", "Numéro de la section où elle est énoncée."),
        "priority": ("Priorité", "Priorité indiquée par le rapport."),
        "deadline": ("Échéance", "Échéance indiquée par le rapport."),
        "method": ("Méthode", "summary_table, body ou reconciled : d'où vient la ligne."),
        "group": ("Groupe", "Chapitre ou organisme contrôlé, là où la numérotation recommence."),
        "ordinal": ("Rang", "Rang de lecture d'une recommandation non numérotée."),
        **_BBOX,
    },
    "recommendations_by_owner": {
        "owner_id": ("Destinataire (id)", "Identifiant canonique du destinataire."),
        "owner": ("Destinataire", "Destinataire canonique (toutes graphies regroupées)."),
        "ministry": ("Ministère", "Ministère dont relève le destinataire (lui-même s'il n'a pas de "
                     "rattachement) : ses directions y sont regroupées."),
        "recommendation_id": ("Recommandation", "Identifiant de la recommandation."),
        "report_id": _REPORT,
        "year": ("Année", "Année du rapport."),
        "group": ("Groupe", "Chapitre ou organisme contrôlé, là où la numérotation recommence."),
        "number": ("N°", "Numéro de la recommandation."),
        "text": ("Texte", "Libellé dans le corps du rapport (à défaut, celui du récapitulatif)."),
        "page": ("Page (corps)", "Page physique du PDF ; le lien montre la page surlignée."),
        "theme": ("Thème", "Rubrique du tableau récapitulatif."),
        "status": ("Dernier statut", "Dernier statut connu (« inconnu » si aucun suivi)."),
    },
    "recommendation_history": {
        "recommendation_id": ("Recommandation", "Identifiant de la recommandation."),
        "report_id": _REPORT,
        "report_title": ("Titre du rapport", ""),
        "report_date": ("Date du rapport", ""),
        "report_year": ("Année", "Année du rapport."),
        "report_series": ("Série", ""),
        "group": ("Groupe", "Chapitre ou organisme contrôlé, là où la numérotation recommence."),
        "number": ("N°", "Numéro de la recommandation."),
        "text": ("Texte", "Libellé de la recommandation."),
        "owner": ("Destinataire", "Destinataire(s) tel(s) qu'imprimé(s)."),
        "page": ("Page (corps)", "Page physique du PDF ; le lien montre la page."),
        "latest_status": ("Dernier statut", "Dernier statut connu (« inconnu » si aucun suivi)."),
        "latest_status_term": ("Terme de la source", "Le terme employé par la source du dernier statut."),
        "latest_status_as_of": ("Statut à la date du", ""),
        "latest_assessed_by": ("Évalué par", ""),
        "n_statuses": ("Observations", "Nombre d'observations de statut."),
        "n_links": ("Liens", "Nombre de recommandations liées dans d'autres rapports."),
        "links": ("Recommandations liées", "Reprises, similaires ou suivis, avec année et similarité."),
    },
    "owner_scorecard": {
        "owner": ("Destinataire", "Ministère (ses directions regroupées) ou destinataire sans "
                  "rattachement ; le lien ouvre sa page."),
        "recommendations": ("Recommandations", "Nombre de recommandations adressées."),
        "reports": ("Rapports", "Nombre de rapports qui lui adressent des recommandations."),
        "implemented": ("Mises en œuvre", ""),
        "partially_implemented": ("Partiellement", ""),
        "in_progress": ("En cours", ""),
        "not_implemented": ("Non mises en œuvre", ""),
        "refused": ("Refusées", ""),
        "no_longer_relevant": ("Sans objet", ""),
        "unknown": ("Statut inconnu", "Aucun suivi enregistré."),
        "assessed": ("Évaluées", "Recommandations évaluées : ni sans suivi, ni devenues sans objet."),
        "rate": ("Taux de mise en œuvre (%)", "Mises en œuvre ou partiellement, parmi les évaluées "
                 "(convention de la Cour des comptes)."),
    },
    "latest_statuses": {
        "recommendation_id": ("Recommandation", "La recommandation."),
        "report_id": _REPORT,
        "status": ("Code du statut", ""),
        "statut": ("Dernier statut", "Dernier statut connu (« inconnu » si aucun suivi)."),
        "is_open": ("Ouverte", "1 si non mise en œuvre, en cours ou partiellement mise en œuvre."),
        "source_term": ("Terme de la source", ""),
        "as_of": ("Au", "Date de l'observation."),
        "assessed_by": ("Évalué par", ""),
        "evidence": ("Éléments", ""),
        "target": ("Échéance", "Échéance révisée, à défaut initiale, à défaut celle du rapport."),
        "n_statuses": ("Observations", "Nombre d'observations de statut."),
    },
    "owners": {
        "id": ("Identifiant", "Clé canonique partagée par toutes les graphies."),
        "label": ("Destinataire", "Libellé canonique."),
        "acronym": ("Sigle", "Sigle, s'il existe."),
        "parent": ("Ministère de rattachement", "Ministère dont relève la direction."),
    },
    "recommendation_owners": {
        "recommendation_id": ("Recommandation", "Recommandation concernée."),
        "owner_id": ("Destinataire", "Destinataire canonique."),
        "report_id": _REPORT,
        "as_printed": ("Tel qu'imprimé", "Le destinataire tel qu'il figure dans le rapport."),
        "position": ("Rang", "Rang parmi les destinataires de la recommandation."),
    },
    "pages": {
        "report_id": _REPORT,
        "page": ("Page", "Page physique (1 = première page du PDF)."),
        "label": ("Folio", "Numéro de page imprimé."),
        "text": ("Texte", "Texte intégral de la page."),
    },
    "sections": {
        "report_id": _REPORT,
        "position": ("Ordre", "Rang de la section dans le rapport."),
        "number": ("Numéro", "Numérotation imprimée (1.1.4…)."),
        "title": ("Titre", "Intitulé de la section."),
        "level": ("Niveau", "Profondeur dans la hiérarchie (1 = partie)."),
        "kind": ("Nature", "heading, part, annex ou recommendation_list."),
        "page": ("Page", "Page physique où commence la section."),
        "page_end": ("Dernière page", "Page physique où elle se termine."),
        "parent_id": ("Section parente", "Section englobante."),
        "annex_number": ("N° d'annexe", "Numéro d'annexe, le cas échéant."),
        "method": ("Méthode", "outline, numbering ou typography."),
        "text": ("Texte", "Texte de la section."),
        **_BBOX,
    },
    "footnotes": {
        "report_id": _REPORT,
        "position": ("Ordre", "Rang de la note dans le rapport."),
        "number": ("N°", "Numéro imprimé de la note."),
        "page": ("Page", "Page physique où la note est imprimée."),
        "text": ("Texte", "Texte de la note."),
        "call_page": ("Page de l'appel", "Page physique de l'appel de note."),
        "section_number": ("Section", "Section de l'appel de note."),
        **_BBOX,
    },
    "report_tables": {
        "report_id": _REPORT,
        "position": ("Ordre", "Rang du tableau dans le rapport."),
        "number": ("N°", "Numéro du tableau."),
        "label": ("N° imprimé", "Numéro tel qu'imprimé."),
        "caption": ("Titre", "Légende « Tableau N : … »."),
        "page": ("Page", "Page physique où commence le tableau."),
        "page_end": ("Dernière page", "Page où il se termine (tableau sur plusieurs pages)."),
        "source": ("Source", "Mention « Source : » du tableau."),
        "notes": ("Notes", "Notes sous le tableau."),
        "n_rows": ("Lignes", "Nombre de lignes."),
        "n_cols": ("Colonnes", "Nombre de colonnes."),
        "cells": ("Cellules (JSON)", "Cellules en JSON, ligne par ligne."),
        "values": ("Valeurs (JSON)", "Valeurs numériques lues dans les cellules."),
        "csv": ("CSV", "Le tableau en CSV."),
        **_BBOX,
    },
    "glossary": {
        "report_id": _REPORT,
        "acronym": ("Sigle", "Sigle tel qu'imprimé."),
        "expansion": ("Signification", "Développé du sigle."),
        "page": ("Page", "Page physique du glossaire."),
    },
    "statuses": {
        "recommendation_id": ("Recommandation", "Recommandation suivie."),
        "report_id": _REPORT,
        "number": ("N°", "Numéro de la recommandation."),
        "status": ("Statut", "implemented, in_progress, partially_implemented, not_implemented, refused, no_longer_relevant ou unknown."),
        "source_term": ("Terme de la source", "Le terme employé par la source (« mise en œuvre incomplète »…)."),
        "as_of": ("À la date du", "Date de l'observation."),
        "assessed_by": ("Évalué par", "Rapport ultérieur, organe de suivi ou analyste."),
        "assessed_by_report_id": ("Rapport évaluateur", "Rapport qui a établi ce statut."),
        "evidence": ("Élément de preuve", "Citation ou référence justifiant le statut."),
        "original_target": ("Échéance initiale", ""),
        "revised_target": ("Échéance révisée", ""),
        "method": ("Méthode", "Comment le statut a été obtenu."),
    },
    "recommendation_links": {
        "from_id": ("De", "Recommandation la plus récente."),
        "to_id": ("Vers", "Recommandation antérieure qu'elle reprend ou suit."),
        "kind": ("Nature du lien", "repeats, similar ou follows_up."),
        "similarity": ("Similarité", "Score de similarité du libellé (0 à 1)."),
        "method": ("Méthode", "Comment le lien a été établi."),
    },
    "quality": {
        "report_id": _REPORT,
        "kind": ("Anomalie", "Type d'anomalie relevée par l'extraction."),
        "subject": ("Objet", "Élément concerné (n° de recommandation, de note…)."),
        "page": ("Page", "Page physique concernée."),
        "message": ("Message", "Description de l'anomalie."),
    },
    "failures": {
        "file_name": ("Fichier", "Fichier qui n'a pas pu être lu."),
        "reason": ("Raison", "Pourquoi."),
        "at": ("Date", "Date de la tentative (UTC)."),
    },
}

# table -> (title, description, facets, sort (prefix "-" = descending), label column)
TABLES: dict[str, tuple[str, str, list[str], str | None, str | None]] = {
    "reports": ("Rapports", "Un rapport par ligne, avec sa date et ses corps d'inspection.",
                ["year", "series", "status"], "-date", "title"),
    "recommendations": ("Recommandations", "Toutes les recommandations, avec leur destinataire tel "
                        "qu'imprimé et un lien vers leur page ; l'identifiant ouvre leur fiche.",
                        ["report_id", "theme"], "position", "label"),
    "recommendations_by_owner": ("Recommandations par destinataire", "Une ligne par recommandation "
                                 "et par destinataire canonique, avec l'année et le dernier statut : "
                                 "filtrez par destinataire dans les facettes.",
                                 ["ministry", "year", "status", "owner"], "year", None),
    "recommendation_history": ("Historique des recommandations", "Une ligne par recommandation : "
                               "dernier statut, nombre d'observations, recommandations liées "
                               "dans d'autres rapports.",
                               ["latest_status"], None, None),
    "owner_scorecard": ("Bilan par destinataire", "Pour chaque ministère (ses directions "
                        "regroupées) : combien de recommandations, leur dernier statut et le taux de "
                        "mise en œuvre (mises en œuvre ou partiellement, parmi les évaluées ; les "
                        "recommandations devenues sans objet et celles sans suivi ne sont pas "
                        "comptées). Cliquez un nom pour sa page.", [], "-recommendations", None),
    "latest_statuses": ("Derniers statuts", "Le dernier statut connu de chaque recommandation, "
                        "tenu à jour à l'ingestion et à l'import des statuts.", ["statut"], None, None),
    "owners": ("Destinataires", "Les destinataires canoniques (ministères, directions…).",
               ["parent"], "label", "label"),
    "recommendation_owners": ("Destinataires des recommandations", "Lien recommandation ↔ "
                              "destinataire canonique.", ["owner_id", "report_id"], None, None),
    "pages": ("Pages", "Le texte intégral de chaque page : la recherche s'y fait sans accents.",
              ["report_id"], "page", None),
    "sections": ("Sections", "Le plan de chaque rapport.", ["report_id", "kind", "level"],
                 "position", "title"),
    "footnotes": ("Notes de bas de page", "Les notes, avec la page de leur appel.", ["report_id"],
                  "position", None),
    "report_tables": ("Tableaux", "Les tableaux « Tableau N : … » avec leurs cellules (JSON, CSV).",
                      ["report_id"], "position", "caption"),
    "glossary": ("Sigles", "Les listes des sigles des rapports.", ["report_id"], "acronym", None),
    "statuses": ("Statuts de mise en œuvre", "Une observation par ligne : qui a évalué quoi, quand.",
                 ["status", "assessed_by"], "as_of", None),
    "recommendation_links": ("Recommandations reprises", "Recommandations reprises ou suivies d'un "
                             "rapport à l'autre.", ["kind", "method"], "-similarity", None),
    "quality": ("Anomalies d'extraction", "Ce que l'extraction a relevé et que l'utilisateur doit "
                "savoir.", ["report_id", "kind"], None, None),
    "failures": ("Fichiers en échec", "Les PDF qui n'ont pas pu être lus.", [], None, None),
}

# Table -> the index its `?_search=` uses: the stemmed one where there is one
# (models/search.py: "mineur" finds "mineurs"), in raw mode so "cyber*" is a prefix (the
# plugin makes every query safe for raw mode).
FTS = {"recommendations": "recommendations_fts_fr", "pages": "pages_fts_fr",
       "sections": "sections_fts_fr", "footnotes": "footnotes_fts_fr",
       "report_tables": "report_tables_fts"}
EXACT_FTS = ("recommendations_fts", "pages_fts", "sections_fts", "footnotes_fts")
# Tables of bookkeeping no reader opens.
HIDDEN_TABLES = ("file_stats", "status_labels", "pending_links")
# Columns a reader may sort by on the recommendations table: its N° is text ("018/14"),
# so the order there is `position`; the views give N° as a number.
UNSORTABLE = {"recommendations": {"number"}}

QUERIES: dict[str, dict] = {
    "recommandations_par_destinataire": {
        "title": "Recommandations adressées à un destinataire",
        "description": "Tapez une partie du nom (« justice », « interieur », « DGCS ») : majuscules "
                       "et accents ne comptent pas ; un ministère comprend ses directions.",
        "sql": """SELECT b.report_id AS rapport, b.year AS annee, b.number AS numero,
  GROUP_CONCAT(b.owner, ' ; ') AS destinataire, b.text AS texte, b.page AS page, b.status AS statut,
  b.recommendation_id AS recommandation
FROM recommendations_by_owner b
WHERE b.owner_id IN (SELECT id FROM owners
                     WHERE suivi_fold(label) LIKE '%' || suivi_fold(:destinataire) || '%'
                        OR suivi_fold(parent) LIKE '%' || suivi_fold(:destinataire) || '%'
                        OR suivi_fold(acronym) = suivi_fold(:destinataire))
GROUP BY b.recommendation_id
ORDER BY b.year, b.report_id, b.position""",
    },
    "recommandations_ouvertes": {
        "title": "Recommandations ouvertes",
        "description": "Recommandations dont le dernier statut connu est « non mise en œuvre », "
                       "« en cours » ou « partiellement mise en œuvre ».",
        "sql": """SELECT r.report_id AS rapport, rep.year AS annee, r.number AS numero,
  r.owner AS destinataire, r.text AS texte, r.page AS page, ls.statut AS statut,
  ls.target AS echeance, r.id AS recommandation
FROM latest_statuses ls JOIN recommendations r ON r.id = ls.recommendation_id
JOIN reports rep ON rep.id = r.report_id
WHERE ls.is_open = 1
ORDER BY rep.year, r.report_id, r.position""",
    },
    "recommandations_reprises": {
        "title": "Recommandations reprises d'un rapport à l'autre",
        "description": "Paires de recommandations liées (reprise, similaire, suivi) avec leurs deux libellés.",
        "sql": """SELECT CASE l.kind WHEN 'repeats' THEN 'réitérée' WHEN 'similar' THEN 'similaire'
  WHEN 'follows_up' THEN 'suivi' ELSE l.kind END AS lien, l.similarity AS similarite,
  a.report_id AS rapport, ra.year AS annee, a.number AS numero, a.text AS texte,
  b.report_id AS rapport_anterieur, rb.year AS annee_anterieure, b.number AS numero_anterieur,
  b.text AS texte_anterieur, l.method AS methode
FROM recommendation_links l
JOIN recommendations a ON a.id = l.from_id JOIN reports ra ON ra.id = a.report_id
JOIN recommendations b ON b.id = l.to_id JOIN reports rb ON rb.id = b.report_id
ORDER BY ra.year DESC, a.report_id, a.position""",
    },
    "chronologie_des_statuts": {
        "title": "Chronologie des statuts",
        "description": "Les observations de statut dans l'ordre du temps ; laissez le champ vide pour "
                       "tout voir, ou donnez un identifiant de recommandation (rapport:rN).",
        "sql": """SELECT s.as_of AS date, r.report_id AS rapport, r.number AS numero,
  r.text AS texte, COALESCE(lab.label, s.status) AS statut, s.source_term AS terme_de_la_source,
  s.assessed_by AS evalue_par, s.evidence AS preuve, r.id AS recommandation
FROM statuses s JOIN recommendations r ON r.id = s.recommendation_id
LEFT JOIN status_labels lab ON lab.code = s.status
WHERE :recommandation = '' OR s.recommendation_id = :recommandation
ORDER BY r.report_id, r.position, s.as_of""",
    },
    "notes_mentionnant": {
        "title": "Notes de bas de page mentionnant un terme",
        "description": "Recherche plein texte dans les notes (accents facultatifs : « circulaire », "
                       "« decret »).",
        "sql": """SELECT f.report_id AS rapport, f.number AS numero, f.page AS page, f.text AS texte,
  f.section_number AS section, f.x0, f.top, f.x1, f.bottom
FROM footnotes f
WHERE f.rowid IN (SELECT rowid FROM footnotes_fts WHERE footnotes_fts MATCH suivi_fts(:terme))
ORDER BY f.report_id, f.position""",
    },
    "tableaux_du_rapport": {
        "title": "Tableaux d'un rapport",
        "description": "Les tableaux d'un rapport (identifiant du rapport = nom du fichier sans .pdf).",
        "sql": """SELECT t.report_id AS rapport, t.label AS numero, t.caption AS titre, t.page AS page,
  t.source AS source, t.n_rows AS lignes, t.n_cols AS colonnes, t.csv AS csv,
  t.x0, t.top, t.x1, t.bottom
FROM report_tables t
WHERE t.report_id = :rapport
ORDER BY t.position""",
    },
}

# Which base tables each canned query reads (a query is published only if they exist).
QUERY_NEEDS = {
    "recommandations_par_destinataire": {"recommendations_by_owner", "owners"},
    "recommandations_ouvertes": {"recommendations", "reports", "latest_statuses"},
    "recommandations_reprises": {"recommendation_links", "recommendations", "reports"},
    "chronologie_des_statuts": {"statuses", "recommendations", "status_labels"},
    "notes_mentionnant": {"footnotes", "footnotes_fts"},
    "tableaux_du_rapport": {"report_tables"},
}


class PublishError(SuiviError):
    """The database cannot be published (missing file, not a suivi database)."""


def _table_names(db_path: str) -> tuple[set[str], set[str]]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')").fetchall()
    finally:
        conn.close()
    return {n for n, t in rows if t == "table"}, {n for n, t in rows if t == "view"}


def _columns(db_path: str | None, table: str) -> list[str]:
    if db_path is None:
        from models.schema import TABLES as SCHEMA

        return list(SCHEMA[table]["columns"])
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")]
    finally:
        conn.close()


def build_metadata(db_path: str | None = None, db_name: str = "reports",
                   corpus: list[str] | None = None) -> dict:
    """Datasette metadata for a suivi database, built from code.

    With `db_path`, only the tables, views and canned queries the database can answer are
    described; without, everything the schema may hold. `corpus` lists the folders where
    the plugin looks for the report PDFs (page images).
    """
    if db_path is not None:
        tables, views = _table_names(db_path)
    else:
        tables = set(TABLES) | set(FTS.values())
        views = {"recommendation_history", "owner_scorecard"}
        tables |= {"latest_statuses", "status_labels", "recommendations_by_owner", *EXACT_FTS}
    present = tables | views
    described: dict[str, dict] = {}
    labels: dict[str, dict[str, str]] = {}
    descriptions: dict[str, dict[str, str]] = {}
    for name, (title, description, facets, sort, label_column) in TABLES.items():
        if name not in present:
            continue
        columns = COLUMNS.get(name, {})
        # Column descriptions go to the plugin (header tooltips), not to Datasette's
        # `columns`, which 0.65 prints as a long list above the rows.
        entry: dict = {"title": title, "description": description}
        if facets:
            entry["facets"] = facets
        if sort:
            entry["sort_desc" if sort.startswith("-") else "sort"] = sort.lstrip("-")
        if label_column:
            entry["label_column"] = label_column
        if name in FTS and FTS[name] in present:
            entry["fts_table"] = FTS[name]
            entry["searchmode"] = "raw"
        if name in views:
            entry.pop("label_column", None)
        if name in UNSORTABLE and name in tables:
            entry["sortable_columns"] = [c for c in _columns(db_path, name) if c not in UNSORTABLE[name]]
        described[name] = entry
        labels[name] = {c: lab for c, (lab, _) in columns.items()}
        descriptions[name] = {c: desc for c, (_, desc) in columns.items() if desc}
    for fts in (*FTS.values(), *EXACT_FTS):
        if fts in present:
            described[fts] = {"hidden": True}
    for name in HIDDEN_TABLES:  # bookkeeping, of no interest to a reader
        if name in present:
            described[name] = {"hidden": True}
    # The SQL stays one click away ("voir le SQL"), not above the results.
    queries = {name: {**q, "hide_sql": True} for name, q in QUERIES.items() if QUERY_NEEDS[name] <= present}
    plugin = {"labels": labels, "descriptions": descriptions, "status_labels": STATUS_LABELS}
    if corpus:
        plugin["corpus"] = [str(Path(c).resolve()) for c in corpus]
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "source": SOURCE,
        "license": LICENSE,
        "license_url": LICENSE_URL,
        "databases": {db_name: {"tables": described, "queries": queries}},
        "plugins": {"suivi": plugin},
    }


def metadata_path_for(db_path: str) -> Path:
    """metadata.json next to the database (reports.db -> reports.metadata.json)."""
    return Path(db_path).with_suffix(".metadata.json")


def write_metadata(db_path: str, path: str | None = None, corpus: list[str] | None = None) -> Path:
    """Write the metadata of `db_path` as JSON (next to the database by default)."""
    if not Path(db_path).exists():
        raise PublishError(f"{db_path}: no such database (run `suivi ingest corpus/` first)")
    out = Path(path) if path else metadata_path_for(db_path)
    meta = build_metadata(db_path, Path(db_path).stem, corpus)
    out.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return out


def default_corpus(db_path: str) -> list[str]:
    """Folders searched for the PDFs when none is given: ./corpus and corpus/ next to the db."""
    found = []
    for cand in (Path.cwd() / "corpus", Path(db_path).resolve().parent / "corpus"):
        if cand.is_dir() and str(cand.resolve()) not in found:
            found.append(str(cand.resolve()))
    return found


# Datasette settings of `suivi serve` (and of the page bench): suggested facets cost a
# query per column on every table page, which a reader never asked for.
SERVE_SETTINGS = {"sql_time_limit_ms": 5000, "facet_time_limit_ms": 1000, "suggest_facets": False,
                  # a canned query page shows at most this many rows (tables page by 100;
                  # their CSV streams every row)
                  "max_returned_rows": 300,
                  # statuses and reports change while the server runs: no page may be
                  # kept by the browser (Datasette's default lets it keep one 5 s)
                  "default_cache_ttl": 0}


def serve_command(db_path: str, host: str = "127.0.0.1", port: int = 8001,
                  corpus: list[str] | None = None) -> tuple[list[str], Path]:
    """The Datasette command line that serves `db_path`, and the metadata it uses.

    The database is opened read-only but not immutable (Datasette's mutable mode, SQLite
    `mode=ro`): each query reads one committed WAL snapshot, so a page shows a report as it
    was before an ingest or after it, never half-written, and new reports and statuses
    appear without a restart. (Immutable mode promises SQLite the file never changes: a
    concurrent ingest then gives "database disk image is malformed".)
    """
    if not Path(db_path).exists():
        raise PublishError(f"{db_path}: no such database (run `suivi ingest corpus/` first)")
    meta = write_metadata(db_path, corpus=corpus if corpus is not None else default_corpus(db_path))
    cmd = [sys.executable, "-m", "datasette", "serve", str(db_path), "-m", str(meta),
           "--host", host, "--port", str(port)]
    for key, value in SERVE_SETTINGS.items():
        cmd += ["--setting", key, _setting(value)]
    return cmd, meta


def _setting(value) -> str:
    return ("on" if value else "off") if isinstance(value, bool) else str(value)


def check_port(host: str, port: int) -> None:
    """PublishError when `host:port` cannot be bound (another server uses it)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise PublishError(f"{host}: unknown host ({exc.strerror})") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError as exc:
            raise PublishError(f"port {port} on {host} is already in use ({exc.strerror}); "
                               f"try `suivi serve --port {port + 1}`, or stop the other server") from None


def serve(db_path: str, host: str = "127.0.0.1", port: int = 8001,
          corpus: list[str] | None = None) -> None:
    """Run Datasette on the database (read-only, not immutable) until interrupted."""
    cmd, meta = serve_command(db_path, host, port, corpus)
    check_port(host, port)
    print(f"Serving {db_path} on http://{host}:{port}/ (Ctrl-C to stop)\n"
          f"Read-only: new reports and statuses appear without a restart.\n"
          f"Metadata written to {meta}. To publish elsewhere: copy {Path(db_path).name} and "
          f"{meta.name}, `pip install` this project (it brings the page-image plugin), then run\n"
          f"  datasette -i {Path(db_path).name} -m {meta.name}\n"
          f"or use `datasette publish cloudrun {Path(db_path).name} -m {meta.name} "
          f"--install <this project>`.", file=sys.stderr, flush=True)
    os.execv(sys.executable, cmd)
