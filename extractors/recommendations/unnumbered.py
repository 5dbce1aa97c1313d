"""Recommendations without a number, made in prose.

Why: some reports recommend in a sentence of their own text — "We recommend that the
Secretary of Agriculture educate all states…" (GAO-06-282), "L'IGE recommande que…" — or in
paragraphs under a "Recommandations" heading that open with their addressee ("Au ministre de
l'Education nationale, … de veiller à …", OFNAC 2021). They get `number` None and a reading
order (`ordinal`), apart from numbered ones: they are read only in a report that numbers none.
A lead-in that ends with a colon announces a list, which `lists.py` reads.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterator, Sequence

import regex as re

from extractors.recommendations.addressees import addressees
from extractors.recommendations.body import _join, _page_lines, _split_en
from extractors.recommendations.conventions import matches
from extractors.recommendations.labels import is_heading, rows, text_margin
from models.document import BBox, Document, Line
from models.records import Recommendation

_SENTENCE_END = re.compile(r"(?<!\b(?:M|Mme|Dr|No|U\.S|St))[.](?=\s+\p{Lu}|\s*$)")
_NOT_RECS = re.compile(r"(?i)suivi\s+des\s+recommandations|follow[- ]up")


@dataclass(frozen=True)
class _Paragraph:
    lines: tuple[Line, ...]
    heading: str  # the last numbered heading above it

    @property
    def text(self) -> str:
        return _join([l.plain_text for l in self.lines])


def _paragraphs(doc: Document) -> Iterator[_Paragraph]:
    """Body paragraphs in reading order (a blank, a heading or a bullet starts a new one)."""
    heading = ""
    cur: list[Line] = []
    for page in doc.pages:
        lines = _page_lines(page)
        margin = text_margin(lines)
        # side headings in the margin (GAO) and the letters of a vertical banner ("R A P P O R T"
        # beside the text, OFNAC) stand left of the text column: they are not the paragraph
        page_rows = rows([l for l in lines if l.x1 > margin + 1])
        steps = sorted(b.top - a.top for a, b in zip(page_rows, page_rows[1:]) if 0 < b.top - a.top < 2 * a.height)
        pitch = steps[len(steps) // 2] if steps else 14.0  # the page's line spacing
        for ln in page_rows:
            if is_heading(ln):
                if cur:
                    yield _Paragraph(tuple(cur), heading)
                cur, heading = [], ln.plain_text
                continue
            prev = cur[-1] if cur else None
            if prev is not None and (ln.page != prev.page and ln.plain_text[:1].isupper() and prev.plain_text.rstrip().endswith(".")
                                     or ln.page == prev.page and ln.top - prev.top > 1.3 * pitch
                                     or abs(ln.size - prev.size) > 0.6 or re.match(r"\s*[•▪■●\-–]\s", ln.plain_text)):
                yield _Paragraph(tuple(cur), heading)
                cur = []
            cur.append(ln)
    if cur:
        yield _Paragraph(tuple(cur), heading)


def _bbox(lines: Sequence[Line]) -> BBox:
    same = [l for l in lines if l.page == lines[0].page]
    return (min(l.x0 for l in same), min(l.top for l in same), max(l.x1 for l in same), max(l.bottom for l in same))


def _sentence(text: str, start: int) -> str:
    end = _SENTENCE_END.search(text, start)
    return text[start: end.end() if end else len(text)].strip()


def _record(text: str, para: _Paragraph, owner: str | None, owners: tuple[str, ...]) -> Recommendation:
    return Recommendation(number=None, text=text, summary_text=None, owner=owner, owners=owners,
                          page=para.lines[0].page, summary_page=None, bbox=_bbox(para.lines), method="body")


def prose_recommendations(doc: Document, audited: str | None = None) -> list[Recommendation]:
    """Every unnumbered prose recommendation, in reading order (ordinal left to the caller)."""
    out: list[Recommendation] = []
    for para in _paragraphs(doc):
        text = para.text
        found = False
        taken: set[str] = set()
        for m in re.finditer(r"(?:we|We|recommande)\b", text):
            cut = text.rfind(". ", 0, m.start())
            start = cut + 2 if cut >= 0 else 0
            hit = matches("prose", text[start:])
            if not hit or hit.end() < m.start() - start:
                continue
            sentence = _sentence(text, start)
            if sentence.endswith(":") or sentence in taken:
                continue  # a lead-in: its list is read by lists.py
            found = True
            taken.add(sentence)
            owner = hit.group("owner") if "owner" in hit.groupdict() else None
            if owner:
                owner = re.sub(r"(?:\s+(?:and|of|for|the))+$", "", owner.strip())
                out.append(_record(sentence, para, owner, tuple(_split_en(owner))))
            else:
                said = addressees(sentence, audited)
                out.append(_record(sentence, para, said.owner, said.owners))
        if (not found and re.search(r"(?i)recommandation", para.heading) and not _NOT_RECS.search(para.heading)
                and matches("addressee-first", text)):
            said = addressees(text, audited)
            if said.owner:
                out.append(_record(text, para, said.owner, said.owners))
    # a summary restates a recommendation ("Results in Brief"); the later statement is the one
    # the report makes in its conclusions: keep that one
    keys = [re.sub(r"\W+", " ", r.text.lower())[:80] for r in out]
    return [r for k, r in enumerate(out) if keys[k] not in keys[k + 1:]]


def with_ordinals(recs: Sequence[Recommendation]) -> list[Recommendation]:
    """Numbered recommendations as they come, then the unnumbered ones in reading order
    (page, then top), their `ordinal` counting from 1."""
    numbered = [r for r in recs if r.number is not None]
    loose = sorted((r for r in recs if r.number is None), key=lambda r: (r.page or 0, r.bbox[1] if r.bbox else 0))
    return numbered + [replace(r, ordinal=k) for k, r in enumerate(loose, 1)]
