"""Addressees of recommendations: split a printed owner cell, give each a canonical key.

Why: users ask "everything recommended to the Ministère de la justice"; the same addressee
is printed "Ministère de la Justice (DACG)", "ministère de la justice - DACG" or "MJ (DACG)",
and one table cell often names several addressees on separate lines (IGAS 2019, p. 5).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Mapping, Sequence

import regex as re

from extractors.recommendations.owner_patterns import ACRONYM, ACRONYM_SEP, INSTITUTION_START, MINISTER, MINISTRY
from models.records import GlossaryEntry

# Words after which a name always goes on ("Secrétariat d'Etat chargé de" / "l'égalité …").
_CONTINUING = {"de", "du", "des", "la", "le", "les", "l'", "l’", "d'", "d’", "et", "à", "au", "aux",
               "en", "pour", "chargé", "chargée", "auprès", "sur", "par", "avec", "sous", "ou", ","}
# Start words strong enough to split a flat string at a plain space (no line break, no comma).
_STRONG_START = re.compile(
    r"^(?:Ministère|Premier\s+ministre|Secrétariat|Conseils?\s+départementaux|Conseils?\s+régionaux"
    r"|Groupement|GIP\b|Agences?\s|Préfets?\b|ARS\b|Direction|Délégation|Haut|Caisse)")
# Common abbreviations of ministries, used when the report's glossary does not expand them.
_KNOWN = {
    "MJ": "Ministère de la justice", "MI": "Ministère de l'intérieur",
    "MSS": "Ministère des solidarités et de la santé", "PM": "Premier ministre",
    "MEN": "Ministère de l'éducation nationale", "MENJ": "Ministère de l'éducation nationale et de la jeunesse",
    "MESRI": "Ministère de l'enseignement supérieur, de la recherche et de l'innovation",
    "MEAE": "Ministère de l'Europe et des affaires étrangères", "MTES": "Ministère de la transition écologique et solidaire",
    "MINARM": "Ministère des armées", "MEF": "Ministère de l'économie et des finances",
}


# Directorates whose ministry has not changed in decades; others are learned from the report
# itself ("Ministère de l'intérieur (DGGN, DGPN)" makes a later bare "DGPN" a directorate of it).
_DIRECTORATE_OF = {
    "DGPN": "Ministère de l'intérieur", "DGGN": "Ministère de l'intérieur", "DGSI": "Ministère de l'intérieur",
    "DGEF": "Ministère de l'intérieur", "DGSCGC": "Ministère de l'intérieur",
    "DACG": "Ministère de la justice", "DACS": "Ministère de la justice", "DAP": "Ministère de la justice",
    "DPJJ": "Ministère de la justice", "DSJ": "Ministère de la justice",
}


@dataclass(frozen=True)
class CanonicalOwner:
    key: str  # "ministere-de-la-justice/dacg": what different spellings meet on
    label: str  # "Ministère de la justice (DACG)"
    acronym: str | None  # "DACG", or the owner's own acronym
    ministry: str | None  # parent ministry, "Ministère de la justice"


def _depth_after(text: str) -> int:
    return text.count("(") - text.count(")")


def _ends_continuing(text: str) -> bool:
    t = text.rstrip()
    if not t:
        return True
    if t.endswith(("'", "’")):
        return True
    last = t.split()[-1].lower()
    return last in _CONTINUING


def split_owners(cell: str) -> list[str]:
    """Split an owner cell into addressees; line breaks from the PDF cell are a signal.

    A new addressee starts where an institution word (Ministère, Premier ministre,
    Secrétariat, Conseils départementaux…) follows a line break, a comma or, in a flat
    string, a closing parenthesis or a plain word, outside parentheses and not after a word
    that always continues a name ("chargé de", "l'"). "(SG-SADJAV, DACG)" stays with its
    ministry.
    """
    if not cell or not cell.strip():
        return []
    text = re.sub(r"[ \t\u00a0]+", " ", cell.strip())
    # candidate split points: (position, kind) where kind is "line", "comma" or "space"
    parts: list[str] = []
    current = ""
    # separators: a line break, "; " (always a list), ", " or " / " (a list only if an
    # institution follows: "Ministère de l'Enseignement supérieur, de la Recherche…" is one
    # name), " et " (same), a plain space (only before a strong institution word)
    tokens = re.split(r"(\s*;\s*|\n|,\s*|\s+/\s+|\s+et\s+|\s+)", text)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if i % 2 == 0:
            current += tok
            i += 1
            continue
        sep = tok
        rest = "".join(tokens[i + 1:])
        kind = ("semi" if ";" in sep else "and" if sep.strip() == "et" else "line" if "\n" in sep
                else "comma" if sep.strip() in (",", "/") else "space")
        starts = bool(INSTITUTION_START.match(rest)) if kind != "space" else bool(_STRONG_START.match(rest))
        starts = starts or (kind in ("and", "comma") and bool(re.match(r"(?i)minist[eè]re\b", rest)))
        starts = starts or kind == "semi"
        can_split = (_depth_after(current) <= 0 and starts and current.strip()
                     and (kind in ("comma", "semi") or not _ends_continuing(current)))
        if can_split:
            parts.append(current)
            current = ""
        else:
            if kind == "line" and re.search(r"\b[A-Z]{2,}-$", current):
                pass  # "(SG-" / "SADJAV, DACG)": an acronym cut at its hyphen
            else:
                current += " " if kind in ("line", "space") else (" et " if kind == "and" else sep)
        i += 1
    parts.append(current)
    out = [re.sub(r"\s+", " ", p).strip(" ,;") for p in parts]
    return [p for p in out if p]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("œ", "oe"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _expand(acronym: str, glossary: Sequence[GlossaryEntry]) -> str | None:
    for g in glossary:
        if g.acronym == acronym:
            return g.expansion
    return _KNOWN.get(acronym)


def _sentence_case(name: str) -> str:
    words = name.split()
    out = []
    for j, w in enumerate(words):
        keep = ACRONYM.match(w) or (any(c.isdigit() for c in w) and any(c.isupper() for c in w))  # "3D"
        out.append(w if keep else (w[:1].upper() + w[1:].lower() if j == 0 else w.lower()))
    # the State keeps its capital whatever the spelling: "Secrétariat d'etat" = "Secrétariat d'État"
    return re.sub(r"\b([dl]['’])[ée]tat\b", r"\1État", " ".join(out))


def canonical_owner(name: str, glossary: Sequence[GlossaryEntry] = (),
                    parents: Mapping[str, str] | None = None) -> CanonicalOwner:
    """Canonical form of one addressee: base institution + sorted directorate acronyms, and
    the ministry it rolls up to (`ministry`, the `owners.parent` column).

    Acronyms are expanded with the report's own glossary first ("MJ" → "Ministère de la
    justice"), then with a short list of common ministry abbreviations. A minister stands
    for the ministry. A directorate alone ("DGPN") finds its ministry in `parents` (learned
    from the same report) or in a short list of long-standing directorates.
    """
    name = re.sub(r"\s+", " ", name.replace("’", "'")).strip(" ,;.")
    name = MINISTER.sub("Ministère", name)
    context = ""  # the audited body an extractor added after a generic office
    base, directorates = name, []
    m = re.search(r"\(([^()]+)\)\s*$", name)
    if m and all(ACRONYM.match(a.strip()) for a in ACRONYM_SEP.split(m.group(1)) if a.strip()):
        base, directorates = name[: m.start()].strip(), [a for a in ACRONYM_SEP.split(m.group(1)) if a]
    elif m:  # context, not directorates: "Directeur général (Dakar Dem Dikk)" keeps its parenthesis
        base, context = name[: m.start()].strip(), f" ({m.group(1).strip()})"
    else:
        m = re.search(r"\s[-–—/]\s*([A-Z][A-Z0-9\-]+(?:\s*(?:,|et)\s*[A-Z][A-Z0-9\-]+)*)\s*$", name)
        if m:
            base, directorates = name[: m.start()].strip(), [a for a in ACRONYM_SEP.split(m.group(1)) if a]
    own_acronym = None
    if ACRONYM.match(base.replace(" ", "")):
        own_acronym = base
        expanded = _expand(base, glossary)
        if expanded:
            base = expanded
    if not directorates and own_acronym is None:
        for g in glossary:  # the report may give the full name an acronym of its own
            if _fold(g.expansion) == _fold(base):
                own_acronym = g.acronym
                break
    directorates = sorted({d.strip().upper() for d in directorates if d.strip()})
    label_base = _sentence_case(base) if base[:1].isalpha() else base
    mm = MINISTRY.match(label_base)
    ministry = _sentence_case(mm.group("ministry").strip()) if mm else (
        "Premier ministre" if _fold(label_base).startswith("premier-ministre") else None)
    if ministry is None and own_acronym:
        ministry = (parents or {}).get(own_acronym) or _DIRECTORATE_OF.get(own_acronym)
    key = _fold(label_base + context) + ("/" + "+".join(_fold(d) for d in directorates) if directorates else "")
    label = label_base + context + (f" ({', '.join(directorates)})" if directorates else "")
    acronym = ", ".join(directorates) if directorates else own_acronym
    return CanonicalOwner(key=key, label=label, acronym=acronym, ministry=ministry)


def owners_from_text(text: str, nlp=None, glossary: Sequence[GlossaryEntry] = ()) -> list[str]:
    """Addressees a statement names itself, as in "… soit confiée à la direction générale de
    la cohésion sociale (DGCS)": an acronym in parentheses that the report's glossary knows
    (or that spaCy tags as an organisation), with the organisation name spaCy finds right
    before it. Used only when neither a summary table nor the statement's label names one:
    an organisation merely mentioned in the sentence is not an addressee.
    """
    known = {g.acronym for g in glossary}
    ents = []
    if nlp is not None:
        ents = [(e.start_char, e.end_char, e.text) for e in nlp(text).ents if e.label_ == "ORG"]
    found: list[str] = []
    for m in re.finditer(r"\(([A-Z][A-Z0-9\-]{1,}(?:\s*,\s*[A-Z][A-Z0-9\-]{1,})*)\)", text):
        acronyms = [a.strip() for a in m.group(1).split(",")]
        tagged = any(a in known for a in acronyms) or any(s <= m.start(1) and m.end(1) <= e for s, e, _ in ents)
        if not tagged:
            continue
        before = [t for s, e, t in ents if e <= m.start() and m.start() - e <= 2]
        name = f"{before[-1].strip()} ({m.group(1)})" if before and INSTITUTION_START.match(before[-1]) else m.group(1)
        if name not in found:
            found.append(name)
    return found


def learned_parents(names: Sequence[str], glossary: Sequence[GlossaryEntry] = ()) -> dict[str, str]:
    """Directorate acronym -> ministry, from the addressees of one report that print both
    ("Ministère de l'intérieur (DGGN, DGPN)")."""
    out: dict[str, str] = {}
    for name in names:
        c = canonical_owner(name, glossary)
        if c.ministry and c.acronym and "/" in c.key:
            for acr in c.acronym.split(", "):
                out.setdefault(acr, c.ministry)
    return out
