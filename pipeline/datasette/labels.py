"""The French words of the pages, as data: link kinds, status labels, columns kept out of
the main views. Column labels and table descriptions live with the metadata
(pipeline/publish.py); status labels with the latest-status table (models/latest.py)."""
from __future__ import annotations

from models.latest import OPEN_STATUSES, STATUS_LABELS
from models.link_kinds import FROM_LABELS, KIND_LABELS, TO_LABELS

__all__ = ["LINK_FROM", "LINK_TO", "LINK_KINDS", "STATUS_LABELS", "OPEN_STATUSES", "HIDDEN_COLUMNS",
           "STATUS_COLUMNS", "LOOKUPS", "QUERY_LABELS", "ERRORS", "french_description"]

# recommendation_links.kind, as a noun (facets, tables); read from the later
# recommendation (from_id) towards the earlier one (to_id), and back (models/link_kinds.py).
LINK_KINDS = KIND_LABELS
LINK_FROM = FROM_LABELS
LINK_TO = TO_LABELS

# Columns a reader does not need on the main HTML tables (still in JSON and CSV, and
# usable as filters): positions in PDF points, hashes, bookkeeping, internal ids.
_BBOX = ["x0", "top", "x1", "bottom"]
HIDDEN_COLUMNS: dict[str, list[str]] = {
    "reports": ["sha256", "backend", "ingested_at", "file_name"],
    "recommendations": ["position", "method", *_BBOX],
    # a rowid table: its "Link" and rowid columns lead nowhere useful; the
    # recommendation column opens the recommendation's page
    "recommendations_by_owner": ["Link", "rowid", "owner_id", "position"],
    "recommendation_history": ["recommendation_id"],
    "sections": ["position", "parent_id", "method", *_BBOX],
    "footnotes": ["position", *_BBOX],
    "report_tables": ["position", "cells", "values", *_BBOX],
    "pages": ["id"],
    "statuses": ["id", "method", "assessed_by_report_id"],
    "latest_statuses": ["status", "is_open", "assessed_by_report_id"],
    "recommendation_owners": ["id", "position"],
}

# Columns that hold status codes: shown with their French label.
STATUS_COLUMNS = {"statuses": "status", "latest_statuses": "status"}

# Datasette's own English phrases on table pages ("sorted by position", filter names),
# in the order they are replaced.
DESCRIPTION_WORDS = (
    (" sorted by ", " triées par "), ("sorted by ", "triées par "), (" descending", " (décroissant)"),
    ("where ", "où "), (" and ", " et "), (" contains ", " contient "), (" is not null", " est renseigné"),
    (" is null", " est vide"), (" is not blank", " n'est pas vide"), (" is blank", " est vide"),
    (" starts with ", " commence par "), (" ends with ", " finit par "),
    (" does not contain ", " ne contient pas "), (" search matches ", " la recherche trouve "),
    (" is in ", " est parmi "), (" is not in ", " n'est pas parmi "), (" is after ", " est après "),
    (" is before ", " est avant "), (" like ", " ressemble à "), (" is true", " est vrai"),
)
LOOKUPS = {
    "=": "=", "!=": "≠", "contains": "contient", "does not contain": "ne contient pas",
    "ends with": "finit par", "starts with": "commence par", "like": "ressemble à (LIKE)",
    "not like": "ne ressemble pas à", "glob": "motif (GLOB)", "in": "parmi", "not in": "hors de",
    "array contains": "la liste contient", "array does not contain": "la liste ne contient pas",
    "date": "date", "is null": "est vide (NULL)", "is not null": "est renseigné",
    "is blank": "est vide", "is not blank": "n'est pas vide",
}
# Column names of the canned queries (their SQL aliases are French but unaccented).
QUERY_LABELS = {
    "rapport": "Rapport", "annee": "Année", "numero": "N°", "destinataire": "Destinataire",
    "texte": "Texte", "page": "Page", "statut": "Dernier statut", "recommandation": "Fiche",
    "lien": "Lien", "similarite": "Similarité", "rapport_anterieur": "Rapport antérieur",
    "annee_anterieure": "Année (antérieur)", "numero_anterieur": "N° (antérieur)",
    "texte_anterieur": "Texte (antérieur)", "methode": "Méthode", "date": "Date",
    "terme_de_la_source": "Terme de la source", "evalue_par": "Évalué par", "preuve": "Éléments",
    "section": "Section", "titre": "Titre", "source": "Source", "lignes": "Lignes",
    "colonnes": "Colonnes", "csv": "CSV", "echeance": "Échéance",
}


# Datasette's error messages a reader meets (a mistyped or outdated link).
ERRORS = {"Database not found": "Base introuvable.", "Table not found": "Table introuvable.",
          "Record not found": "Ligne introuvable (identifiant inconnu ou supprimé).",
          "No data": "Aucune donnée."}


def french_description(text: str) -> str:
    """Datasette's "28 rows sorted by position"-style phrases in French."""
    for en, fr in DESCRIPTION_WORDS:
        text = text.replace(en, fr)
    return text
