"""Patterns of recommendations printed as lists: lead-ins, numbered items, bullets, and the
addressee headings of a summary list.

Each pattern reads one visual line (or a lead-in paragraph). They come from reports that do
not label their recommendations "Recommandation n° X": the Cour des comptes' chapter
conclusions ("la Cour formule les recommandations suivantes :" then "1. (État) : …"), OFNAC's
annual report ("… recommande au Ministre chargé de la Santé :" then "1." … "27."), its
"Récapitulatif des recommandations" grouped under "Recommandations à l'État :".
"""
from __future__ import annotations

import regex as re

# The paragraph that announces a list of recommendations; it ends with a colon.
LEAD_IN = re.compile(
    r"""
    (?:
        recommandations?\s+suivantes                     # "formule les recommandations suivantes :"
      | \b(?:recommande|recommandent|préconise|préconisent)\b   # "L'Office … recommande au Ministre … :"
      | \b(?:formule|émet|adresse)\s+(?:\S+\s+){0,3}recommandations\b   # "émet trois recommandations :"
    )
    [^:]{0,300}:\s*$                                     # the colon closes the lead-in
    | ^\s*(?:La\s+Cour|La\s+Chambre|La\s+mission|L['’]Office)\s+   # "La Cour invite :": each item
      (?:invite|demande|recommande|exhorte)\s*:\s*$                   # names its addressee (2017 p. 89)
    """,
    re.VERBOSE | re.IGNORECASE,
)

# The addressee of a lead-in: "recommande au Ministre chargé de la Santé :" (OFNAC 2023 p. 90).
LEAD_IN_OWNER = re.compile(
    r"""
    \b(?:recommande|recommandent|préconise|préconisent)\s+
    (?:aux?|à\s+la|à\s+l['’]|à\s+l[ea]s?)\s*             # "au", "aux", "à la", "à l'"
    (?P<owner>[^:]{2,200}?)                              # the addressee as printed, up to
    (?:\s+(?:de|d['’])\s*(?:\p{Ll}+(?:er|ir|re|oir)\b[^:]*)?)?   # "de :" or "d'examiner la possibilité :"
    \s*:\s*$
    """,
    re.VERBOSE | re.IGNORECASE,
)

# A heading over a list of recommendations in the body: "IV. Les recommandations de la Cour",
# "Recommandations" (Cour des comptes du Sénégal 2017, p. 73).
LIST_HEADING = re.compile(
    r"""
    ^\s*(?:[IVXL]+\s*[.-]|\d{1,2}\s*[.-]|[A-H]\s*[.-])?\s*   # optional "IV." / "3-" / "B."
    (?:_+\s*)?(?:les\s+)?(?:principales\s+)?
    recommandations?                                      # the word
    (?:\s+(?:de\s+la\s+(?:Cour|Chambre|mission)|du\s+\w+|formulées))?   # "de la Cour"
    (?:\s*_+)?\s*:?\s*$
    """,
    re.VERBOSE | re.IGNORECASE,
)

# A numbered item: "1. …", "1- …", "1) …", "20.veiller" (OFNAC 2023 p. 91, no blank); never
# a section number "2.1 Title" (digit after the dot) nor a date "1-2".
NUMBERED_ITEM = re.compile(
    r"""
    ^\s*(?P<num>\d{1,3})                                 # the number
    (?P<sep>\.(?!\d)|\)|\s?[-–](?!\d))                   # ".", ")" or "-"
    \s*(?P<text>\S.*)$                                   # the wording
    """,
    re.VERBOSE,
)

# A bullet item: "• …", "- …", "➢ …", and the private-use glyphs Word's Symbol bullets come
# out as (U+F0B7, U+F0A7, U+F0D8: la Poste 2016 p. 136).
BULLET_ITEM = re.compile(r"^\s*(?P<bullet>[•●▪■◦➢✔►–—-]|\p{Co})\s*(?P<text>\S.*)$")

# An addressee given in parentheses before a colon at the start of an item:
# "(État, collectivités territoriales) : renforcer …" (Cour des comptes 2017, p. 82).
# Without a colon the wording opens in lower case: "(ministre chargé de l'économie, Bpifrance)
# articuler les doctrines …" (Cour des comptes 2017, L'État actionnaire). The parenthesis names
# someone: "(2030)" is no addressee.
ITEM_OWNER = re.compile(
    r"^\((?=[^()]*\p{L}{2})(?P<owner>(?:[^()]|\([^()]*\)){1,200})\)\s*(?:[:：–—-]\s*(?P<text>\S.*)|(?P<text>\p{Ll}.*))$")

# An addressee heading inside a summary list: "Recommandations à l'État :", "Recommandations aux
# actionnaires (État et Caisse des dépôts et consignations) et à La Poste :" (la Poste 2016 p. 140).
OWNER_HEADING = re.compile(
    r"""
    ^\s*(?:Recommandations?|Propositions?)\s+
    (?:adressées\s+|destinées\s+)?
    (?P<owner>(?:aux?|à\s+la|à\s+l['’]|à\s+l[ea]s?)\s*.{2,250}?)
    \s*:?\s*$
    """,
    re.VERBOSE | re.IGNORECASE,
)

# Splits a list of addressees: "État, collectivités territoriales", "X et à Y".
# "et" splits only before a capital: "Caisse des dépôts et consignations" is one body.
OWNER_SEPARATOR = re.compile(r"\s*[,;]\s*(?:et\s+)?(?:à\s+|aux?\s+)?|\s+et\s+(?:à\s+|aux?\s+)?(?=\p{Lu})")

# A leading preposition and article of an addressee as printed: "à l'", "aux", "au". A
# capitalised article belongs to the name ("à La Poste"): only lower-case ones are dropped.
OWNER_PREFIX = re.compile(r"^(?:[Aa]ux?\s+|[àÀ]\s+(?:la\s+|l['’]\s*|les\s+)?)")

# The part where audited bodies answer the report: "Réponses des organismes concernés" (Cour des
# comptes du Sénégal 2017 p. 254, its "RECOMMANDATION 3 :" rows are replies), "Réponse du
# ministre", "Réponses des administrations". Nothing printed there is a recommendation of the report.
REPLIES_TITLE = re.compile(
    r"^\s*(?:Annexe\s*(?:n\s*°\s*)?\d*\s*[:.–-]?\s*)?(?:R[ÉEée]PONSES?|R[ée]ponses?)\s+(?:des?|du|aux?)\b",
    re.IGNORECASE)

# The header cells of a summary table whose rows are matched by wording (summary_wording.py):
# "Libellé de la recommandation" | "Destinataire de la recommandation" (2017 pp. 236-251).
SUMMARY_TEXT_HEADER = re.compile(r"^\s*(?:Libell[ée]|Intitul[ée])\s+(?:de\s+la\s+)?(?:recommandation|préconisation)",
                                 re.IGNORECASE)
SUMMARY_OWNER_HEADER = re.compile(r"^\s*Destinataires?\b", re.IGNORECASE)
