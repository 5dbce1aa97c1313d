"""The body a report audits, from its cover: the context a bare "au maire" needs.

Why: a Cour des comptes report on one commune or one company addresses "le maire" or "le
Directeur général" without naming the body; across reports those owners only mean something
with the audited body beside them ("Directeur général (Dakar Dem Dikk (3D))").
"""
from __future__ import annotations

import regex as re

from extractors.metadata import cover_lines, cover_title
from extractors.recommendations.conventions import matches
from models.document import Document

_SMALL = {"de", "des", "du", "la", "le", "les", "et", "à", "au", "aux", "en", "sur", "pour", "d", "l"}
_LEGAL_FORM = re.compile(r"^(?:Soci[ée]t[ée]|Compagnie)\s+", re.IGNORECASE)


def _title_case(name: str) -> str:
    """"COMMUNE DES PARCELLES ASSAINIES" -> "Commune des Parcelles Assainies"; acronyms in
    parentheses and names not set in capitals stay as printed."""
    if not re.search(r"\b\p{Lu}{4,}\b", re.sub(r"\([^()]*\)", "", name)):
        return name
    out: list[str] = []
    for w in re.split(r"(\s+|['’-]|\([^()]*\))", name):
        if not w or not w[0].isalpha():
            out.append(w)
            continue
        low = w.lower()
        out.append(low if low in _SMALL and "".join(out).strip() else low[:1].upper() + low[1:])
    return "".join(out)


def _clean(name: str) -> str:
    return _LEGAL_FORM.sub("", _title_case(re.sub(r"\s+", " ", name).strip(" -–,"))).strip()


def audited_body(doc: Document) -> str | None:
    """The audited body named on the cover, without its legal form ("Dakar Dem Dikk (3D)"),
    or None (annual and activity reports audit no single body)."""
    lines = [l for l in cover_lines(doc) if l.role == "body"]
    title = cover_title(lines) or ""
    text = re.sub(r"\s+", " ", " ".join(l.text.strip() for l in lines))
    for role, where in (("audited-body", title), ("audited-title", title), ("audited-body", text)):
        m = matches(role, where)
        if m:
            return _clean(m.group("name"))
    return None
