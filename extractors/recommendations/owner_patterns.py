"""Patterns for addressees of recommendations (owners) and the ministries they belong to."""
from __future__ import annotations

import regex as re

# Words an addressee starts with: a new one begins on a line (or after a comma) with one of
# these (IGAS 2019 summary table, p. 5: "Premier ministre," then "Secrétariat d'Etat …").
INSTITUTION_START = re.compile(
    r"""
    ^\s*(?:
        Ministères?\b | Ministre\b | Premier\s+ministre\b | Secrétariats?\b | Secrétaire\b  # government
      | Directions?\b | Directeurs?\b | Délégations?\b | Délégué | Conseils?\b | Groupements?\b
      | GIP\b | Agences?\b | Préfets?\b | Préfectures?\b | ARS\b | Caisses?\b | CNAF\b | CNAM
      | Haut[-\s][Cc]onseil | Hauts?[-\s][Cc]ommissa | Collectivités?\b | Régions?\b       # "Haut conseil"
      | Départements?\b | Communes?\b | Opérateurs?\b | Établissements?\b | Etablissements?\b
      | Office\b | Offices\b | Inspections?\b | Missions?\b | Services?\b | Gouvernement\b
      | Parlement\b | Union\b | Association | Fédération | Assemblée | Sénat\b | Cour\b
      | Tribunal | Juridictions?\b | Parquets?\b | Procureurs?\b | Rectorats?\b | Recteurs?\b
      | Observatoire | Commissions?\b | Comité\b | Institut\b | Centre\b | Fonds\b | Autorité
      | Défenseur | Organismes?\b | Universités?\b | Chambres?\b | Ordres?\b   # other bodies
      | [A-ZÉ]{2,}(?:[-\s][A-ZÉ]{2,})*(?:\s*\(|\s*$)      # an acronym alone: "DGCS", "MJ (DACG)"
    )
    """,
    re.VERBOSE,
)

# A ministry name: "Ministère de la justice", "ministère des solidarités et de la santé".
MINISTRY = re.compile(
    r"""^\s*(?:le\s+)?(?P<ministry>(?:Ministère|Ministre)s?\s+
        (?:(?:chargée?s?|en\s+charge)\s+)?(?:de\s+la|de\s+l['’]|des|du|de)\s*   # "chargé de la santé"
        [^(),\-–]+?)\s*(?:$|[(\-–,])""",
    re.VERBOSE | re.IGNORECASE,
)

# A minister stands for the ministry: "Ministre de l'Intérieur" rolls up to "Ministère de l'intérieur".
MINISTER = re.compile(r"^\s*(?:le\s+|la\s+)?Ministres?(?=\s+(?:chargée?s?\b|en\s+charge\b|de\b|du\b|des\b|d['’]))",
                      re.IGNORECASE)

# Separators between acronyms inside parentheses: "DIAV, SG-SADJAV, DACG", "DGGN et DGPN".
ACRONYM_SEP = re.compile(r"\s*(?:,|;|/|\bet\b|\band\b)\s*")

# An acronym: "DACG", "SG-SADJAV", "CL(I)SPD" stays out (parentheses are split first).
ACRONYM = re.compile(r"^[A-ZÉÈ][A-Z0-9ÉÈ]{1,}(?:-[A-Z0-9ÉÈ]{2,})*$")
