"""The report's own list of abbreviations ("Liste des abréviations", "Sigles", "Glossaire").

Why: owners are often printed as acronyms ("MJ (DACG)"); the report's list, usually an
annex (IGAS 2019, Annexe n° 3, pp. 85-87), is the authority to expand them. Entries come as
"DACG : Direction des …", as two columns, or as a table, and may wrap over lines.
"""
from __future__ import annotations

from typing import Sequence

import regex as re

from models.document import Document, Line
from models.records import GlossaryEntry

# Title of the list: "Annexe n° 3 : Liste des abréviations", "SIGLES", "Glossaire".
_TITLE = re.compile(
    r"""^\s*(?:Annexe\s*(?:n\s*[°º]\s*)?\d*\s*[:.–-]?\s*)?        # optional "Annexe n° 3 :"
        (?:Liste\s+des\s+|Table\s+des\s+|Lexique\s+des\s+)?        # optional "Liste des"
        (?:abréviations|sigles(?:\s+et\s+(?:abréviations|acronymes))?|acronymes|glossaire
          |sigles\s+utilisés|abréviations\s+utilisées)\s*$""",
    re.VERBOSE | re.IGNORECASE)
# An acronym: two capitals at least, may hold digits, dashes, parentheses: "CL(I)SPD".
_ACR = r"(?=(?:[^a-z]*[A-ZÉÈ]){2})[A-ZÉÈ][A-Za-zÉÈ0-9()'’\-/&.]{0,15}"
# "DACG : Direction des affaires criminelles", "DGS – Direction générale de la santé".
_ENTRY = re.compile(rf"^\s*(?:[■•▪◦●*–-]\s*)?(?P<acr>{_ACR})\s*[:–—=]\s+(?P<exp>\S.*)$")  # may be bulleted
# A second entry glued on the same line: "… d'objectifs CPP : code de procédure pénale".
_GLUED = re.compile(rf"\s(?=(?:{_ACR})\s?:\s)")
_ACR_ONLY = re.compile(rf"^\s*(?P<acr>{_ACR})\s*$")


def _rows(lines: Sequence[Line]) -> list[list[Line]]:
    """Lines sharing a baseline, left to right (two-column lists print them apart)."""
    rows: list[list[Line]] = []
    for ln in sorted(lines, key=lambda l: (round(l.top), l.x0)):
        if rows and abs(rows[-1][0].top - ln.top) < 0.5 * max(ln.height, 1):
            rows[-1].append(ln)
        else:
            rows.append([ln])
    return [sorted(r, key=lambda l: l.x0) for r in rows]


def _parse_page(lines: Sequence[Line], page: int, entries: list[GlossaryEntry], started: bool) -> tuple[int, int]:
    """Append the entries of one page; return (entries added, lines that were not entries)."""
    added = misses = 0
    prev_bottom = None
    for row in _rows(lines):
        near = prev_bottom is not None and row[0].top - prev_bottom < 1.2 * max(row[0].height, 1)
        prev_bottom = max(l.bottom for l in row)
        text = " ".join(l.plain_text.strip() for l in row).strip()
        if not text:
            continue
        bbox = (min(l.x0 for l in row), min(l.top for l in row), max(l.x1 for l in row), max(l.bottom for l in row))
        pieces = _GLUED.split(text)
        m = _ENTRY.match(pieces[0])
        two_col = len(row) >= 2 and _ACR_ONLY.match(row[0].plain_text) and row[1].x0 - row[0].x1 > 8
        if m or two_col:
            for piece in pieces if m else [text]:
                mm = _ENTRY.match(piece)
                acr, exp = (mm.group("acr"), mm.group("exp")) if mm else (row[0].plain_text.strip(),
                                                                            " ".join(l.plain_text for l in row[1:]))
                entries.append(GlossaryEntry(acronym=acr.strip(), expansion=exp.strip(), page=page, bbox=bbox))
                added += 1
        elif entries and (added or started and prev_bottom is not None) and near and len(text) < 200:
            last = entries[-1]  # a wrapped expansion goes on under its entry
            entries[-1] = GlossaryEntry(last.acronym, (last.expansion + " " + text).strip(), last.page, last.bbox)
            misses += 1
        else:
            misses += 1
    return added, misses


def extract_glossary(doc: Document) -> list[GlossaryEntry]:
    """Entries of the list of abbreviations; the title occurrence with most entries wins
    (a table of contents names the list too, but no entries follow it there)."""
    best: list[GlossaryEntry] = []
    body = doc.body_size
    for page in doc.pages:
        lines = page.body_lines
        for i, ln in enumerate(lines):
            if not _TITLE.match(ln.plain_text) or ln.size < body - 0.5 and not ln.bold:
                continue
            entries: list[GlossaryEntry] = []
            below = [l for l in lines[i + 1:] if l.top > ln.top]
            added, _ = _parse_page(below, page.number, entries, False)
            if added < 2:
                continue
            for nxt in doc.pages[page.number:]:
                nxt_lines = nxt.body_lines
                stop = next((k for k, l in enumerate(nxt_lines) if l.size > body + 1.5 and l.bold), None)
                added, misses = _parse_page(nxt_lines[:stop], nxt.number, entries, True)
                if added == 0 or added < misses or stop is not None:
                    break
            if len(entries) > len(best):
                best = entries
    return best
