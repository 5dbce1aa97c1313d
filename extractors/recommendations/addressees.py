"""Addressees named inside a statement: "La Cour demande au maire de …".

Why: the Cour des comptes du Sénégal, the chambres and OFNAC print no owner column; the
addressee sits in the sentence ("La Cour recommande au Directeur général de :", "invite le
Ministre … à", "La Cour demande au : - Ministre … de … ; - Directeur général de …", "La Cour
recommande : - au maire de … ; - au receveur municipal de …"). `owner` is the addressee phrase
as printed (several joined by " ; "), `owners` each addressee once. A co-actor ("en rapport
avec le Directeur général", "de concert avec le receveur") is not an addressee.

This is a function of the statement's text (and of the report's audited body, to make a bare
"au maire" useful), so any finder — body labels, numbered lists, summary rows — can use it.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex as re

from extractors.recommendations.conventions import matches

# The verb that addresses a recommendation, after its subject ("La Cour", "la chambre",
# "L'Office …", "la mission") or opening a bullet ("- recommande au : …").
_VERB = re.compile(r"(?:^|(?<=\s))(?:demande|recommande|invite|exhorte|encourage|engage|enjoint|préconise|suggère)(?:nt)?\b")
# A bullet inside a joined statement: "- ", "• ", "o ", "§ " (▪ read by the text layer), "ü " (✓).
_BULLET = re.compile(r"(?:^|\s)(?:[-–—•▪■●◦§ü✓✔➢►\uf000-\uf0ff]|o)\s+(?=\S)")  # U+F0xx: a Wingdings bullet
# How an addressee is introduced: "au", "aux", "à l'", "à la", "à", or an article after "invite".
_PREP = r"(?:[aA]ux?\b|[àÀA]\s+l['’]\s*|[àÀA]\s+la\b|[àÀ](?=\s+\p{Lu}))"
_ARTICLE = r"(?:(?:le|la|les|Le|La|Les)\s+|[lL]['’]\s*)"
# An infinitive: what follows "de"/"à" once the addressee is named ("de veiller", "à faire").
_INF = r"(?:s['’]\s*|se\s+|en\s+|y\s+|leur\s+|lui\s+)?\p{Ll}[\p{Ll}-]*(?:er|ir|re|oir)\b"
# Where an addressee phrase ends.
_ACTION = re.compile(
    rf"""
      \s*:                                                   # "au maire :" then the actions
    | ,?\s+(?:en\s+rapport|de\s+concert|en\s+relation|en\s+collaboration|en\s+liaison
             |en\s+concertation|en\s+lien|avec\s+l['’]appui)\b   # a co-actor follows
    | ,?\s+(?:de|d['’]|à|afin\s+de|pour)\s*                    # "de veiller", ", de procéder", "à faire",
        (?:ne\s+(?:plus\s+|pas\s+)?|tout\s+|bien\s+|mieux\s+)?{_INF}  # "de ne plus", "de tout mettre"
    | ,?\s+(?:de|d['’]|à)\s*(?=:)                            # "Directeur général de :", "… du CICES à :"
    | ,\s+(?:en\s+vue\s+d|afin\s+d|pour\s+)                     # a purpose: ", en vue d'améliorer …"
    | \s+(?:[Pp]rendre|[Vv]eiller|[Ff]aire|[Mm]ettre|[Pp]rocéder|[Rr]especter)\b  # a missing "de": "au maire prendre" (sic)
    | (?P<object>(?<!\b(?:de|à|et|du|des|ou|par|pour|sur|avec|en|dans))\s+(?:la|le|les|l['’]|une?)\s*(?=\p{{Ll}}))
      # the object right after an office: "au Ministre de l'Eau et de l'Assainissement la mise en place"
    | (?<!\bet|,)\s+(?:au|aux|à\s+la|à\s+l['’])\s*(?=\p{{Ll}})  # "invite le maire au respect de …"
    """,
    re.VERBOSE,
)
# The end of a sentence also ends a phrase, but names no action: a bullet ending so is no addressee.
_STOP = re.compile(r"(?<!\b(?:M|Mme|MM|Dr))[.;]\s|[.;]?$")
# Cuts between several addressees of one phrase: "au maire et au receveur", "le maire et le
# conseil municipal", "au maire, au chef de la division financière".
_SPLIT = re.compile(r"\s+et\s+(?:au|aux|à\s+la|à\s+l['’]|à|le|la|les|l['’])\s*|,\s+(?:au|aux|à\s+la|à\s+l['’]|à)\s+")
# A named person: "M. Moustapha BADJI", "Mme …", "El Hadji Malick GUEYE".
_PERSON = re.compile(r"\b(?:M\.|Mme\.?|Monsieur|Madame)\s|\b\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+)*\s+\p{Lu}{2,}\b")
_MAX_WORDS = 22


@dataclass(frozen=True)
class Addressees:
    owner: str | None  # the addressee phrases as printed, " ; " between them
    owners: tuple[str, ...]  # each addressee once, with the audited body after a generic office


# Where a new addressee starts without a bullet (Cour des comptes du Sénégal 2017): "La Cour
# demande : Au Ministre … de … ; Au DAGE : • de …", "La Cour invite : Le Premier Ministre : • à
# … . Le Ministre de …", "La Cour demande au : Premier Ministre de … ; Directeur général de …".
# A lower-case office counts too when a colon and its first action follow: "… carnets de
# bord. Au comptable principal des matières : • de procéder …", "Aux chefs du service
# régional … : • de tenir …" (the colon ends the segment once bullets are split; a sentence
# "Au regard de … : la situation …" has no action after its colon).
_ADDRESSEE_BREAK = re.compile(
    r"(?<=[.;:])\s+(?=(?:Au|Aux|À|A\s+l['’]|Le|La|Les|L['’])\s*\p{Lu})|(?<=;)\s+(?=\p{Lu})"
    r"|(?<=[.;])\s+(?=(?:Au|Aux)\s+\p{Ll}[^.;:•]{0,150}:\s*(?:$|(?:[-–—•▪]\s*)?(?:de|d['’]|à)\s*\p{Ll}))")


def _phrase(text: str, action: bool = True, max_words: int = _MAX_WORDS) -> str | None:
    """The addressee phrase at the start of `text` (its preposition already removed), cut
    at the action ("de veiller"), the colon or a co-actor. With `action`, a phrase the end
    of a sentence closes ("à l'amélioration des recouvrements ;") is not an addressee."""
    m = _ACTION.search(text)
    stop = _STOP.search(text)
    if stop and (m is None or stop.start() < m.start()):
        if action:
            return None
        m = stop
    if not m or m.start() == 0:
        return None
    phrase = text[: m.start()].strip(" ,")
    if m.groupdict().get("object") and not phrase[:1].isupper():
        return None  # only an office ("Ministre de …") is followed straight by its object
    if not phrase or len(phrase.split()) > max_words or not re.match(r"[\p{L}]", phrase):
        return None
    return phrase


def _named_before_actions(rest: str, following: str | None) -> str | None:
    """An addressee the bullets cut from its actions: "Le DAGE" then "• à prendre …", "La
    Cour invite le Ministre de l'Économie, des Finances et du Plan" then "• à supprimer …"."""
    if (following is not None and len(rest.split()) <= _MAX_WORDS and re.match(r"\s*\p{Lu}", rest)
            and re.match(rf"\s*(?:à|de|d['’])\s*{_INF}", following)):
        return rest.strip(" :")
    return None


def _after_verb(rest: str, articles: bool, following: str | None = None) -> tuple[str | None, str]:
    """What follows the verb: ("open", "") for "demande :", ("bare", "") for "demande au :",
    else ("phrase", the addressee). `following` is the next bullet, if any."""
    if m := re.match(r"\s*:\s*", rest):  # "demande : Au Ministre … de …" on the same line
        after = rest[m.end():]
        p = re.match(rf"(?:{_PREP}|{_ARTICLE})\s*", after)
        return "open", (_phrase(after[p.end():]) or "") if p else ""
    if m := re.match(rf"\s*{_PREP}\s*:\s*", rest):  # "demande au : Premier Ministre de faire …"
        after = rest[m.end():]
        return "bare", (_phrase(after) or "") if re.match(r"\p{Lu}", after) else ""
    rest = re.sub(r"^\s+\p{Ll}+ment\b", "", rest)  # "invite fortement le Ministre"
    if m := re.match(rf"\s*{_ARTICLE}:\s*", rest):  # "invite le : Ministre … à …"
        after = rest[m.end():]
        return "bare", (_phrase(after) or "") if re.match(r"\p{Lu}", after) else ""
    m = re.match(rf"\s*,?\s*(?:{_PREP}|{_ARTICLE})\s*" if articles else rf"\s*,?\s*{_PREP}\s*", rest)
    if not m:
        return None, ""
    after = rest[m.end():]
    return "phrase", _phrase(after) or _named_before_actions(after, following) or ""


def addressee_phrases(text: str) -> list[str]:
    """Each addressee phrase of a statement, in printed order."""
    segments = [p for s in _BULLET.split(text) for p in _ADDRESSEE_BREAK.split(s) if p.strip()]
    if not segments:
        return []
    found: list[str] = []
    mode = None  # "open": bullets say "au X de …"; "bare": bullets start with "X de …"; "phrase"
    for k, seg in enumerate(segments):
        seg = seg.strip()
        v = _VERB.search(seg) if k == 0 else _VERB.match(seg)
        if v and (k > 0 or v.start() < 80):
            kind, phrase = _after_verb(seg[v.end():], articles=True,
                                       following=segments[k + 1] if k + 1 < len(segments) else None)
            if kind is not None:
                mode = kind
                if phrase:
                    found.append(phrase)
                continue
        if k == 0:
            # OFNAC: "Au ministre des Finances …, au ministre …, de veiller"; a text that starts
            # in lower case is a fragment cut from its sentence ("à l'exécution normale …"), no lead.
            m = re.match(rf"(?=\p{{Lu}}){_PREP}\s*", seg)
            if m and (p := _phrase(seg[m.end():], max_words=3 * _MAX_WORDS)):
                found.append(p)
                mode = "phrase"
            elif ((m := re.match(rf"{_ARTICLE}(?!Cour\b|[Cc]hambre\b|[Mm]ission\b|Office\b)(?=\p{{Lu}}|directeurs?\b|chefs?\b)",
                                 seg)) and len(segments) > 1):
                # an item of a list whose lead-in said "La Cour invite :": "Le Ministre … • à supprimer …"
                rest = seg[m.end():]
                p = _phrase(rest) or _named_before_actions(rest, segments[1])
                if p:
                    found.append(p)
                    mode = "open"
            continue
        if mode == "phrase":
            continue  # the lead-in named the addressee: its bullets are actions ("de veiller : - à la …")
        if mode == "bare" and re.match(r"\p{Lu}", seg):
            rest = seg
        else:
            m = re.match(rf"{_PREP}\s*" if mode != "open" else rf"(?:{_PREP}|{_ARTICLE})\s*", seg)
            rest = seg[m.end():] if m else None
        p = _phrase(rest) if rest else None
        if p is None and rest and mode in ("open", "bare") and k + 1 < len(segments):
            p = _named_before_actions(rest, segments[k + 1])
        if p:
            found.append(p)
    return found


def split_phrase(phrase: str) -> list[str]:
    """The addressees of one phrase; an appositive office after a comma stays with a named
    person ("M. X, régisseur des recettes") or a title ("Ministre, Secrétaire général de la
    Présidence") and is dropped after an office ("représentant de l'Etat, responsable du
    contrôle budgétaire")."""
    out = []
    for part in _SPLIT.split(phrase):
        part = part.strip(" ,")
        head, _, rest = part.partition(",")
        if (rest and not _PERSON.search(part) and re.match(r"\s*\p{Ll}", rest)
                and not re.match(r"\s*(?:de|des|du|d['’]|et|la|le|les|l['’])\b", rest)):  # "Ministre de l'Economie, des Finances"
            part = head.strip()  # "représentant de l'Etat, responsable du contrôle budgétaire"
        if part:
            out.append(part)
    return out


def is_generic(office: str) -> bool:
    """An office every audited body has ("maire", "Directeur général"): it names no body."""
    return matches("generic-office", office) is not None


def _fold(text: str) -> str:
    return re.sub(r"\W+", " ", text.replace("’", "'")).strip().lower()


def _own_names(audited: str | None) -> set[str]:
    """The audited body's name and acronym, folded: "Dakar Dem Dikk (3D)" -> {dakar dem dikk, 3d}."""
    if not audited:
        return set()
    names = {_fold(re.sub(r"\s*\([^()]*\)", "", audited))}
    names |= {_fold(a) for a in re.findall(r"\(([^()]+)\)", audited)}
    return {n for n in names if n}


def addressees(text: str | None, audited: str | None = None) -> Addressees:
    """The addressees a statement names. `audited` (the body the report audits, from its
    cover) is added in a trailing parenthesis to a generic office in `owners`."""
    phrases = addressee_phrases(text or "")
    if not phrases:
        return Addressees(None, ())
    context = re.sub(r"\s*\([^()]*\)", "", audited or "").strip()  # one parenthesis, never nested
    owners: list[str] = []
    seen: set[str] = set()
    own = _own_names(audited)
    for phrase in phrases:
        for who in split_phrase(phrase):
            key = _fold(who)
            m = re.match(r"(.+?)\s+(?:de\s+la|de\s+l['’]|du|de|des)\s*(.+)$", who)
            if m and is_generic(m.group(1)) and _fold(m.group(2)) in own:
                key = _fold(m.group(1))  # "Directeur général de 3D" is the audited body's "Directeur général"
            if key in seen or (not is_generic(who) and any(k.startswith(key + " ") for k in seen)):
                continue  # "Directeur de l'Environnement" after "Directeur de l'Environnement et des …"
            seen.add(key)
            owners.append(f"{who} ({context})" if context and is_generic(who) else who)
    return Addressees(" ; ".join(phrases), tuple(owners))
