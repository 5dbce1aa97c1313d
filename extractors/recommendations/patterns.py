"""Patterns that recognise recommendations: body statements, summary-table cells, list titles.

Every pattern is anchored at the start of a visual line: a statement always opens its own
line ("Recommandation n°7 : …", IGAS 2019 p. 12), whereas a cross-reference sits inside a
sentence ("(cf. recommandation n°27)", p. 35; "la recommandation n° 3 du rapport de 2012").
"""
from __future__ import annotations

import regex as re

# A body statement: "Recommandation n°7 :", "Recommandation 7 :", "Recommandation n° 7 (DGCS) :",
# "Préconisation n° 3 –", "Proposition 4 :".
STATEMENT = re.compile(
    r"""
    ^\s*
    (?P<word>Recommandations?|Préconisation|Proposition    # the keyword, capitalised: opens the line
      |RECOMMANDATIONS?|PRÉCONISATION|PRECONISATION|PROPOSITION)  # or in capitals (never lower case: a wrapped sentence)
    \s*                                                   # ("Recommandations n° 21 :", a plural typo)
    (?:[nN]\s*[°ºo˚]\s*|[nN]o\.?\s*|num[ée]ro\s*|[°º]\s*)?  # optional "n°", "N°", "n º", "no", "numéro", "°"
    (?P<label>\d{1,3}(?:[.-]\d{1,2})?)                    # the number: 7, 12, or 2.3 / 2-3
    \s*_?\s*                                               # a stray underscore: "n° 57_ :"
    (?:\((?P<owner>(?:[^()]|\([^()]*\)){1,200})\)\s*)?    # optional addressee "(DGCS)", may nest once
    (?P<sep>[:：.–—-])                                     # a separator is mandatory: colon, dot, dash
    \s*
    (?P<text>.*)$                                         # the wording that starts on the same line
    """,
    re.VERBOSE,
)

# A label run into its lead-in without a separator: "Recommandation n°28 la Cour recommande à
# Monsieur …" (the lead-in, not a sentence about the recommendation, follows the number).
LABEL_LEAD_IN = re.compile(
    r"""
    ^\s*(?:Recommandations?|RECOMMANDATIONS?)\s*
    (?:[nN]\s*[°ºo˚]\s*|[°º]\s*)?
    (?P<label>\d{1,3})(?P<sep>)\s+                              # no separator
    (?P<text>(?:[Ll]a|[Ll]e|[Ll]['’])\s*(?:Cour|cour|chambre|Chambre|mission|Mission|Office|Inspection)\b
        [^.]{0,40}?\b(?:demande|recommande|invite|encourage|exhorte)\b.*)$   # its lead-in verb
    """,
    re.VERBOSE,
)

# A label standing alone on its line, the statement on the next lines (Cour des comptes du
# Sénégal): "Recommandation n°1 :", "Recommandation n° 1:", "Recommandation 36",
# "Recommandations n° 21", "Recommandation°11", "Recommandation n° 57_ :", "Recommandation n°8".
LABEL_ALONE = re.compile(
    r"""
    ^\s*
    (?:Recommandations?|Préconisations?|Propositions?          # the keyword, capitalised
      |RECOMMANDATIONS?|PRÉCONISATIONS?|PRECONISATIONS?|PROPOSITIONS?)
    \s*
    (?:[nN]\s*[°ºo˚]\s*|[nN]o\.?\s*|num[ée]ro\s*|[°º]\s*)?   # optional "n°", "N°", "°", "no", "numéro"
    (?P<label>\d{1,3})                                        # the number, never a year
    \s*_?\s*                                                  # a stray underscore: "n° 57_ :"
    (?P<sep>[:：.–—-])?                                        # an optional separator
    \s*$                                                     # and nothing else on the line
    """,
    re.VERBOSE,
)

# The same label without its keyword, alone on a bold line at the margin: "n° 01", "°33".
BARE_LABEL = re.compile(
    r"""
    ^\s*
    (?:[nN]\s*[°º]\s*|[°º]\s*)                                 # "n°" or a lone "°"
    (?P<label>\d{1,3})                                        # the number
    \s*_?\s*(?P<sep>[:：.–—-])?\s*$                             # optional separator, nothing else
    """,
    re.VERBOSE,
)

# A short-label statement: "R7 – Renforcer…", "R12 : …", or the label alone on its line
# (ANSSI guide: "R1" in bold beside its boxed title).
SHORT_STATEMENT = re.compile(
    r"""
    ^\s*
    (?P<label>R\s?(?P<num>\d{1,3}(?:[.-]\d{1,2})?))(?!\d)  # "R7", "R 7", per part "R 2-3"
    (?:
        (?P<sep>\s*:|\s+[–—-])\s+(?P<text>.+)  # a colon, or a dash after a space ("R121-12-2" is an article)
      | \s*$                                # or alone on its line
    )
    """,
    re.VERBOSE,
)

# A number cell of a summary table: "7", "R7", "n° 7", "Recommandation n° 7", "7 – page 40".
NUMBER_CELL = re.compile(
    r"""
    ^\s*
    (?:Recommandation\s*|Reco\.?\s*)?                 # optional keyword
    (?:n\s*[°ºo˚]\s*|R\s?)?                           # optional "n°" or "R"
    (?P<num>\d{1,3}(?:[.-]\d{1,2}(?!\d))?)             # the number: 7, or per part 2.3 / 2-3
    \s*[.)]?\s*                                       # "7." or "7)"
    (?:[–—-]\s*p(?:age|\.)?\s*(?P<page>\d{1,4}))?     # optional "– page 40"
    \s*$
    """,
    re.VERBOSE | re.IGNORECASE,
)

# The start of a number cell whose end wrapped or was lost: "8 – page" (its "21" on the next
# line, read apart), "12." — a number cell that starts with a number holds that number.
NUMBER_LEAD = re.compile(
    r"""
    ^\s*
    (?:Recommandation\s*|Reco\.?\s*)?                 # optional keyword
    (?:n\s*[°ºo˚]\s*|R\s?)?                           # optional "n°" or "R"
    (?P<num>\d{1,3})(?![\d,.]\d)                      # the number, not "1,5" nor "2.3"
    (?=\s*(?:[.)]\s*$|[–—-]|$))                       # followed by its end, "." or a dash ("– page")
    """,
    re.VERBOSE | re.IGNORECASE,
)

# An entry of a recommendation list printed as lines: ". R31 . I R E Sécurisation …"
# (ANSSI annex "Liste des recommandations", p. 59), "Recommandation n°3 : …", "R3 – …".
LIST_ENTRY = re.compile(
    r"""
    ^[\s.•■]*                                         # leaders, bullets or stray dots
    (?:Recommandation\s*(?:n\s*[°ºo˚]\s*)?|R\s?)      # "Recommandation n°" or "R"
    (?P<num>\d{1,3}(?:[.-]\d{1,2}(?![\d,]))?)          # the number: 7, or per part 2.3 / 2-3
    \s*[:.–—-]?\s*                                    # optional separator
    (?P<text>.*)$                                     # the wording (title)
    """,
    re.VERBOSE,
)

# An item of a numbered list summary (Cour des comptes "Liste des recommandations"):
# "1. Renforcer le pilotage … (ministère de l'intérieur, ministère de la justice)."
PLAIN_ITEM = re.compile(
    r"""
    ^\s*(?P<num>\d{1,3}(?:\.\d{1,2})?)                 # the number: 1, or per part 2.3
    \s*[.)]\s+                                        # "1." or "1)" then a blank
    (?P<text>[«"“]?[A-ZÀ-ÖØ-Þ].*)$                     # the wording opens with a capital
    """,
    re.VERBOSE,
)

# The addressees in parentheses that end a list item: "… chaque année (DGCS, DGS)."
TRAILING_OWNER = re.compile(
    r"""
    \s*\((?P<owner>(?:[^()]|\([^()]*\)){2,300})\)   # "(owner, owner)", may nest once
    \s*[.;]?\s*$                                      # then the item's final stop
    """,
    re.VERBOSE,
)

# Header cells of a summary table, each mapped to the column role it announces.
HEADER_CELLS = {
    "number": re.compile(r"^\s*(?:N\s*[°ºo˚]|Num(?:éro)?\.?|#|Réf\.?)\s*$", re.IGNORECASE),
    # "OBJET DE LA RECOMMANDATION" names the text when a bare "RECOMMANDATION" column at its
    # left holds the labels ("Recommandation n° 5", see LABEL_COLUMN)
    "text": re.compile(r"^\s*(?:(?:Objet|Contenu)\s+(?:de\s+la\s+|des\s+))?"
                       r"(?:Recommandations?|Préconisations?|Propositions?|Intitulé)\b", re.IGNORECASE),
    "owner": re.compile(
        r"""^\s*(?:Autorités?\s+responsables?|Destinataires?|Responsables?|Acteurs?
                |Pilotes?|Porteurs?|Services?\s+(?:responsables?|pilotes?|concernés?)
                |Administrations?\s+concernées?|Chefs?\s+de\s+file|Entités?\s+responsables?
                |Structures?\s+(?:pilotes?|responsables?)|Ministères?\s+(?:concernés?|responsables?|pilotes?))
            (?!\w)""",
        re.IGNORECASE | re.VERBOSE),
    "deadline": re.compile(r"^\s*(?:Échéances?|Echéances?|Échéanciers?|Délais?|Calendriers?|Horizon|Dates?\s+cibles?)\b",
                           re.IGNORECASE),
    "priority": re.compile(r"^\s*(?:Priorités?|Degré\s+de\s+priorité)\b", re.IGNORECASE),
    "page": re.compile(r"^\s*(?:Pages?|p\.)\s*$", re.IGNORECASE),
}

# A header cell that only says "Recommandation" beside one naming the content ("Objet de la
# recommandation"): its column holds the labels "Recommandation n° 5", i.e. the numbers.
LABEL_COLUMN = re.compile(r"^\s*(?:Recommandations?|Préconisations?|Propositions?)\s*$", re.IGNORECASE)

# Titles of a section that lists recommendations (summary table or list).
LIST_TITLE = re.compile(
    r"""
    ^\s*(?:Annexe\s*(?:n\s*[°ºo˚]\s*)?\d*\s*[:.–-]?\s*)?       # optional "Annexe n° 2 :"
    (?:Table(?:au)?(?:\s+récapitulatif)?|Liste|Synthèse|Récapitulatif|Récapitulation|Relevé)  # the list word
    \s+(?:des\s+|de\s+l[ae]s?\s+)?                             # "des"
    (?:principales\s+)?(?:recommandations|propositions|préconisations)\b  # "recommandations" (IGF: "propositions")
    """,
    re.VERBOSE | re.IGNORECASE,
)

# An English side heading that introduces a numbered list of recommendations (GAO reports).
EN_REC_HEADING = re.compile(r"recommendations?\s*f\s*or\s*executive\s*action", re.IGNORECASE)

# A numbered item of such a list: "1. Consideration, during the promulgation …".
EN_ITEM = re.compile(r"^\s*(?P<num>\d{1,2})\.\s+(?P<text>\S.*)$")

# The English lead-in naming the addressees: "we recommend that the Director of OMB … take
# the following seven actions" (GAO-07-791, p. 53).
EN_LEAD_IN = re.compile(
    r"""recommend\s+that,?\s*(?:in\s+light\s+of\s+.*?,\s*)?   # "recommend that", optional clause
        (?:both\s+)?(?P<owner>.+?)                           # the addressees
        \s+(?:take|should\s+take|direct|develop)\b           # the verb that follows them
    """,
    re.VERBOSE | re.IGNORECASE | re.DOTALL,
)

# An office every audited body has, which names no body by itself: "au maire", "au Directeur
# général" (Cour des comptes du Sénégal). The report's audited body makes it useful.
GENERIC_OFFICE = re.compile(
    r"""
    ^\s*(?:
        maire | adjoints?\s+au\s+maire | conseil\s+municipal | secrétaire\s+municipal
      | receveur\s+municipal | régisseur\s+des\s+recettes | comptable\s+des\s+matières(?:\s+nommé)?
      | directeur\s+général(?:\s+adjoint)? | directrice\s+générale | DG | DAF | PCA | PCS
      | directeur\s+administratif\s+et\s+financier | agent\s+comptable
      | président(?:e)?\s+du\s+conseil\s+(?:d['’]\s*administration|de\s+surveillance|municipal|départemental)
      | conseil\s+(?:d['’]\s*administration|de\s+surveillance)
      | coordonnateur\s+de\s+la\s+cellule(?:\s+de\s+passation\s+des\s+marchés)?
      | chef\s+de\s+la\s+division\s+financière
    )\s*$
    """,
    re.VERBOSE | re.IGNORECASE,
)

# The body a report audits, printed on its cover: "CONTROLE DE LA GESTION DE LA COMMUNE DES
# PARCELLES ASSAINIES", "… DE L'AGENCE NATIONALE DE LA MAISON DE L'OUTIL (ANAMO)".
_BODY_KIND = r"""(?:commune|ville|département|departement|région|region|société|societe|agence|office
    |programme|projet|fonds|caisse|port|hôpital|hopital|université|universite|centre|institut
    |autorité|autorite|compagnie|établissement|etablissement|délégation|delegation|direction)\b"""
_BODY_NAME = rf"""(?P<name>{_BODY_KIND}[^()\d_]{{2,120}}?(?:\s*\([^()]{{2,12}}\))?)
    (?=\s*(?:$|[_\d]|p[ée]riode|gestions?\b|exercices?\b))"""
AUDITED_BODY = re.compile(
    rf"""
    (?:contr[oô]le|gestion|audit|évaluation|evaluation)\s+(?:de\s+performance\s+)?  # what was done
    (?:de\s+la|de\s+l['’]|du|des|de)\s*                                      # "de la"
    {_BODY_NAME}                                                             # the body, "(ACRONYM)"
    """,
    re.VERBOSE | re.IGNORECASE,
)
# Or a cover title that is the body's name itself: "SOCIETE DAKAR DEM DIKK (3D) Exercices 2017-2020".
AUDITED_TITLE = re.compile(rf"^\s*{_BODY_NAME}", re.VERBOSE | re.IGNORECASE)

# A recommendation made in prose by the report's authors, without number: "we recommend that
# the Secretary of Agriculture educate…" (GAO-06-282), "We are therefore recommending that the
# Director of OMB…" (GAO-06-1046), "L'IGE recommande que…", "La mission recommande de…".
PROSE_EN = re.compile(
    r"""(?:^|(?<=[.;]\s))(?:[A-Z][\w,]*\s+){0,6}?    # "Therefore," "To improve …,": a short opening
        [Ww]e\s+(?:therefore\s+|further\s+|also\s+)?(?:recommend|are\s+(?:therefore\s+|also\s+)?recommending)
        \s+that\s+(?:the\s+)?(?P<owner>(?:[A-Z][\w.&-]*|of|for|and|the)(?:\s+(?:[A-Z][\w.&-]*|of|for|and|the))*)
    """,
    re.VERBOSE,
)
PROSE_FR = re.compile(
    r"""(?:^|(?<=[.;]\s))
        (?:L['’]\s*|La\s+|Le\s+)(?:\p{Lu}[\p{L}-]*|mission|chambre)(?:\s+[\p{L}-]+){0,8}?   # "L'IGE", "La mission"
        \s+recommande\s+(?:que\b|qu['’]|de\b|d['’])                          # "recommande que", "de"
    """,
    re.VERBOSE,
)
# A paragraph under a "Recommandations" heading that opens with its addressee: "Au ministre
# de l'Education nationale, …, de veiller à …" (OFNAC 2021, p. 92).
ADDRESSEE_FIRST = re.compile(r"^(?:Au|Aux|À|A)\s+(?:l['’]\s*)?\p{L}")
