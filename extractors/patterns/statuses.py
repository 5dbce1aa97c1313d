"""The vocabulary of implementation statuses, French and English, as commented regexes.

Every pattern runs on *folded* text (see `fold`): lowercase, accents removed, « œ »
spelled « oe », dashes and punctuation turned into spaces, whitespace collapsed. So
« Totalement mise en œuvre », « TOTALEMENT MISE EN OEUVRE » and « totalement mise-en-œuvre »
all read « totalement mise en oeuvre ».

The order of STATUS_PATTERNS matters: negative and partial phrasings come before the
positive ones because they contain them (« non mise en œuvre », « mise en œuvre
incomplète » both contain « mise en œuvre »).

Scales covered:
- Cour des comptes, « suivi des recommandations » (rapport public annuel, tome 2):
  « totalement mise en œuvre », « mise en œuvre en cours » / « en cours de mise en œuvre »,
  « mise en œuvre incomplète », « non mise en œuvre », « refus de mise en œuvre »,
  « devenue sans objet ».
- Inspection follow-up tables (IGAS, IGA): « réalisée », « en cours », « partiellement
  réalisée », « non réalisée », « abandonnée », « sans objet ».
- English trackers (GAO, NAO, OECD): « Closed – Implemented », « Closed – Not Implemented »,
  « Open », « Open – Partially Addressed », « Open – Not Addressed », « Rejected ».
  « Open » alone means *in_progress*: the body has not closed it, so it is still being
  worked on as far as the tracker knows; « Open – Not Addressed » is *not_implemented*.
"""
from __future__ import annotations

import unicodedata

import regex as re

STATUSES = ("implemented", "in_progress", "partially_implemented", "not_implemented",
            "refused", "no_longer_relevant", "unknown")

MEO = r"mise?s?\s+en\s+(?:oe|o)uvre"  # « mise en œuvre » folded; « mis », « mises » too

STATUS_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("no_longer_relevant", re.compile(
        rf"""
        (?:devenue?s?\s+)?sans\s+objet           # « devenue sans objet », « sans objet »
        | caduque?s?                             # « caduque »
        | obsolete                               # « obsolète » / obsolete
        | no\s+longer\s+(?:relevant|applicable)  # English trackers
        | superseded
        | (?:closed\s+)?not\s+applicable
        """, re.VERBOSE)),
    ("refused", re.compile(
        rf"""
        refus(?:ee?s?)?(?:\s+de\s+{MEO})?        # « refus », « refus de mise en œuvre », « refusée »
        | rejet(?:ee?s?)?                        # « rejet », « rejetée »
        | non\s+acceptee?s?                      # « non acceptée »
        | abandonnee?s?                          # « abandonnée » (the addressee gave it up)
        | rejected | declined | not\s+accepted   # English trackers
        | (?:closed\s+)?disagreed?
        """, re.VERBOSE)),
    ("not_implemented", re.compile(
        rf"""
        non\s+{MEO}                              # « non mise en œuvre »
        | (?:pas|aucune)\s+(?:de\s+)?{MEO}       # « pas de mise en œuvre », « aucune mise en œuvre »
        | non\s+(?:realisee?s?|suivies?|appliquees?|engagees?|entamees?|commencee?s?)
        | (?:closed\s+)?(?:not|un)\s*implemented # « Closed – Not implemented », « unimplemented »
        | open\s+not\s+addressed                 # GAO « Open – Not Addressed »
        | not\s+started
        """, re.VERBOSE)),
    ("partially_implemented", re.compile(
        rf"""
        {MEO}\s+(?:incomplete|partielle)s?        # « mise en œuvre incomplète / partielle »
        | partiellement\s+(?:{MEO}|realisee?s?|suivies?|appliquees?)  # « partiellement mise en œuvre »
        | partielle(?:ment)?                      # « partielle » alone in a status cell
        | (?:open\s+)?partially\s+(?:implemented|addressed)  # English trackers
        """, re.VERBOSE)),
    ("in_progress", re.compile(
        rf"""
        (?:en\s+cours\s+de\s+{MEO})               # « en cours de mise en œuvre »
        | {MEO}\s+en\s+cours                      # « mise en œuvre en cours »
        | en\s+cours(?:\s+de\s+realisation)?      # « en cours », « en cours de réalisation »
        | engagee?s?                              # « engagée »
        | in\s+progress | ongoing                 # English trackers
        | open                                    # « Open » alone: see the module docstring
        """, re.VERBOSE)),
    ("implemented", re.compile(
        rf"""
        (?:totalement|entierement|pleinement|completement)\s+{MEO}  # « totalement mise en œuvre »
        | {MEO}(?:\s+(?:totale|complete|effective))?                 # « mise en œuvre (totale) »
        | realisee?s?                             # « réalisée »
        | appliquee?s?                            # « appliquée »
        | (?:closed\s+)?(?:fully\s+)?implemented  # « Closed – Implemented »
        | completed? | done
        """, re.VERBOSE)),
    ("unknown", re.compile(
        r"""
        inconnue?s?                               # « inconnu »
        | non\s+(?:evaluee?s?|renseignee?s?|documentee?s?|determinee?s?)
        | (?:pas|sans)\s+d\s?information          # « pas d'information »
        | information\s+insuffisante
        | unknown | not\s+assessed | n\s?a        # English trackers, « n/a »
        """, re.VERBOSE)),
)

# The header of the status column of a follow-up table: « État de mise en œuvre »,
# « Degré de mise en œuvre », « Statut », « Appréciation de la Cour », « Status ».
STATUS_HEADER = re.compile(
    rf"""
    \b(?:etat|statut|status|degre|niveau|appreciation|avancement|realisation|suivi)\b
    | {MEO}
    """, re.VERBOSE)

# The header of the recommendation column: « Recommandation », « N° », « Rec. ».
REC_HEADER = re.compile(r"\b(?:recommandations?|recommendations?|rec|n|no|numero)\b", re.VERBOSE)

# Other columns a follow-up table may have (folded headers).
OWNER_HEADER = re.compile(r"\b(?:destinataires?|responsables?|autorites?|owners?|addressees?)\b")
EVIDENCE_HEADER = re.compile(r"\b(?:commentaires?|observations?|justifications?|analyse|evidence|comments?)\b")
REVISED_TARGET_HEADER = re.compile(r"\b(?:revisee?|nouvelle|revised|reportee?)\b")
TARGET_HEADER = re.compile(r"\b(?:echeances?|delais?|targets?|calendrier)\b")

# A cell naming a recommendation: « 3 », « R3 », « R 3 », « n° 3 », « Recommandation n° 3 »,
# « Recommandation 3 : Élaborer… » (the wording may follow). Run on the raw cell text.
REC_REF = re.compile(
    r"""
    ^\s*
    (?:(?:recommandation|recommendation|reco|rec)\.?\s*)?   # optional keyword
    (?:n\s*[°ºo˚]\s*|no\.?\s*|r\s?)?                        # optional "n°" or "R"
    (?P<num>\d{1,3})                                        # the number
    (?![\d,%])                                              # not "12,5 %" nor "2019"
    \s*(?:[.):–—-]\s*|$|\s+)                                # a separator, the end, or a space
    (?P<text>.*)$                                           # the wording, if any
    """,
    re.VERBOSE | re.IGNORECASE | re.DOTALL,
)

# Report numbers and years a status table's caption uses to name the report it follows up:
# « rapport IGAS N°2019-080R », « le rapport de décembre 2019 », « (2012) ».
REPORT_NUMBER = re.compile(r"\b(?:n\s*[°o]\s*)?(?P<num>\d{2,4}[-/ ]\d{2,4}[a-z]?)\b", re.IGNORECASE)
YEAR = re.compile(r"\b(?P<year>(?:19|20)\d{2})\b")


def fold(text: str) -> str:
    """Lowercase, accents removed, « œ » → « oe », punctuation → spaces, spaces collapsed."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^\w/]+", " ", text)  # keep « n/a »
    text = text.replace("/", "")
    return re.sub(r"\s+", " ", text).strip()


def classify_status(text: str, whole: bool = True) -> str | None:
    """The normalised status a term means, or None.

    whole=True: the folded text must be exactly one term (CSV cells, short table cells);
    whole=False: the first term found anywhere (a status cell followed by a comment).
    """
    folded = fold(text)
    if not folded:
        return None
    if folded.replace(" ", "_") in STATUSES:
        return folded.replace(" ", "_")
    for status, pattern in STATUS_PATTERNS:
        if whole:
            if pattern.fullmatch(folded):
                return status
        else:
            m = pattern.search(folded)
            if m and _at_word_bounds(folded, m.start(), m.end()):
                return status
    return None


def _at_word_bounds(s: str, start: int, end: int) -> bool:
    return (start == 0 or s[start - 1] == " ") and (end == len(s) or s[end] == " ")
