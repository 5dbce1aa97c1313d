"""Recommendation statements in the body of a report.

Why: the body statement carries the wording that counts and the page users cite. It opens
its own line ("Recommandation n°1 : Réunir …", IGAS 2019 p. 12, boxed), wraps over lines and
sometimes over a page break, and ends with its box or its paragraph. Cross-references
("cf. recommandation n°27", p. 35) sit inside sentences and are left alone by the patterns.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import regex as re

from extractors.recommendations.patterns import (EN_ITEM, EN_LEAD_IN, EN_REC_HEADING, SHORT_STATEMENT,
                                                 STATEMENT)
from extractors.recommendations.conventions import matches
from extractors.recommendations.labels import label_at, notes_below, statement_after, text_margin
from models.document import BBox, Document, Line, Page

# A numbered heading interrupts a statement: "2.1.3 Les violences …".
_HEADING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]+\.|[A-H]\.)\s+\p{Lu}")
# Level tags printed before a boxed title ("M. I R E Minimisation…", ANSSI guide p. 8).
# A statement whose addressee in parentheses does not close on its first line.
_OPEN_OWNER = re.compile(r"^\s*(?:Recommandation|Préconisation|Proposition)\s*(?:n\s*[°º]\s*)?\d{1,3}\s*\(")
# A label printed on the same line as its title, without separator (ANSSI guide p. 27).
_TITLED = re.compile(r"^\s*(?P<label>R\s?(?P<num>\d{1,3}))\s+(?P<title>\S.*)$")
_TAGS = re.compile(r"^(?:[\p{Lu}.]\.?\s+){1,5}(?=\p{Lu}\p{Ll})")


@dataclass(frozen=True)
class BodyStatement:
    number: int | str
    label: str
    text: str
    page: int
    bbox: BBox
    owner: str | None = None  # "(DGCS)" printed in the statement heading
    owners: tuple[str, ...] = ()
    method: str = "body"


def merge_fragments(lines: Sequence[Line]) -> list[Line]:
    """Join pieces of one visual line that a PDF writes word by word (GAO-07-791 prints
    every word apart), keeping pieces far apart (table columns, margin headings) separate."""
    out: list[Line] = []
    for ln in sorted(lines, key=lambda l: (round(l.top, 0), l.x0)):
        prev = out[-1] if out else None
        if (prev is not None and abs(prev.top - ln.top) < 0.35 * max(ln.height, 1)
                and -2 < ln.x0 - prev.x1 < 0.45 * max(ln.height, 1)):
            glue = "" if ln.x0 - prev.x1 < 0.12 * max(ln.height, 1) else " "
            out[-1] = replace(prev, text=prev.text + glue + ln.text,
                              bbox=(prev.x0, min(prev.top, ln.top), max(prev.x1, ln.x1), max(prev.bottom, ln.bottom)),
                              spans=prev.spans + ln.spans)
        else:
            out.append(ln)
    return out


def _page_lines(page: Page, roles: tuple[str, ...] = ("body",)) -> list[Line]:
    """Body lines top to bottom; a page written word by word (most "lines" a single word)
    gets its words joined back into lines first."""
    lines = [l for l in page.lines if l.role in roles]
    single = sum(1 for l in lines if len(l.text.split(maxsplit=1)) <= 1)  # one word at most
    if lines and single > 0.6 * len(lines) and len(lines) > 20:
        lines = merge_fragments(lines)
    return sorted(lines, key=lambda l: (l.top, l.x0))


def _join(parts: Sequence[str]) -> str:
    text = ""
    for p in parts:
        p = p.strip().replace("\x02", "-")  # a hyphen glyph some PDFs map to U+0002
        if not p:
            continue
        if text.endswith("\xad"):  # soft hyphen: the word was only cut by the line end
            text = text[:-1] + p
        elif text.endswith("-") and (p[:1].islower() or _ACRONYM_CUT.search(text)):  # "SG-" "SADJAV"
            text += p
        else:
            text += (" " if text else "") + p
    return _BLANKS.sub(" ", text.replace("\xad", "")).strip()


# Compiled once: the regex module's per-call pattern cache lookup costs more than a
# short substitution, and every statement and summary cell goes through _join.
_ACRONYM_CUT = re.compile(r"\b[A-Z]{2,}-$")
_BLANKS = re.compile(r"\s+")


def _box_around(page: Page, ln: Line) -> BBox | None:
    """The rectangle drawn around a line, if any (filled rects and 4-edge frames alike)."""
    best = None
    for r in page.rules:
        x0, top, x1, bottom = r.bbox
        if (x0 - 2 <= ln.x0 and ln.x1 <= x1 + 2 and top - 2 <= ln.top and ln.bottom <= bottom + 2
                and bottom - top > 1.5 * ln.height and x1 - x0 < page.width * 0.98):
            if best is None or (bottom - top) * (x1 - x0) < (best[3] - best[1]) * (best[2] - best[0]):
                best = r.bbox
    if best is not None:
        return best
    above = [r.bbox for r in page.rules if r.is_horizontal and r.bbox[3] <= ln.top + 1
             and ln.top - r.bbox[3] < 2.5 * ln.height and r.bbox[0] <= ln.x0 + 1 and r.bbox[2] >= ln.x1 - 1]
    if not above:
        return None
    top_rule = max(above, key=lambda b: b[3])
    below = [r.bbox for r in page.rules if r.is_horizontal and r.bbox[1] >= ln.bottom - 1
             and abs(r.bbox[0] - top_rule[0]) < 3 and abs(r.bbox[2] - top_rule[2]) < 3]
    if not below:
        return None
    bottom_rule = min(below, key=lambda b: b[1])
    return (top_rule[0], top_rule[1], top_rule[2], bottom_rule[3])


def _collect(doc: Document, pno: int, lines: list[Line], i: int) -> tuple[list[Line], int]:
    """Lines of the statement opened by lines[i]: the box, else the paragraph, over a page
    break when the paragraph reaches the foot of the page."""
    first = lines[i]
    page = doc.pages[pno - 1]
    box = _box_around(page, first)
    if box is not None:
        inside = [l for l in lines[i:] if l.top >= first.top - 1 and l.bottom <= box[3] + 2
                  and l.x0 >= box[0] - 2 and l.x1 <= box[2] + 2]
        below = [l for l in lines if l.top > box[3] and abs(l.size - first.size) < 1.5]
        if not below and pno < doc.page_count and box[3] > 0.75 * page.height:
            # the box is cut by the page break: it goes on in a box at the top of the next page
            nxt_page = doc.pages[pno]
            nxt = _page_lines(nxt_page)
            cont = _box_around(nxt_page, nxt[0]) if nxt else None
            if cont is not None and abs(nxt[0].x0 - inside[-1].x0) < 3 and abs(nxt[0].size - first.size) < 0.6:
                inside += [l for l in nxt if l.bottom <= cont[3] + 2 and l.x0 >= cont[0] - 2 and l.x1 <= cont[2] + 2]
                return inside, pno + 1
        return inside, pno
    taken = [first]
    cur_lines, k, cur_pno = lines, i, pno
    while True:
        k += 1
        if k >= len(cur_lines):
            if cur_pno >= doc.page_count:
                break
            nxt = _page_lines(doc.pages[cur_pno])
            if not nxt:
                break
            cand = nxt[0]
            if abs(cand.size - first.size) > 0.6 or abs(cand.x0 - taken[-1].x0) > 3 or _opens(cand):
                break
            cur_lines, k, cur_pno = nxt, 0, cur_pno + 1
            taken.append(cand)
            continue
        nxt_line = cur_lines[k]
        prev = taken[-1]
        if notes_below(cur_lines[k:], first, doc):
            k = len(cur_lines) - 1  # the page's notes: the statement may go on over the break
            continue
        if prev.page == nxt_line.page and nxt_line.top < prev.bottom - 0.5 * prev.height:
            continue  # a piece beside the previous line (other column): not ours
        gap = nxt_line.top - prev.bottom if prev.page == nxt_line.page else 0
        if (gap > 0.6 * max(prev.height, 1) or abs(nxt_line.size - first.size) > 0.6
                or nxt_line.x0 < min(l.x0 for l in taken) - 3 or _opens(nxt_line)
                or (nxt_line.bold and not first.bold and len(nxt_line.text) > 3)):
            break
        taken.append(nxt_line)
    return taken, cur_pno


def _boxes_statement(page: Page, lines: list[Line], j: int) -> bool:
    """A box around the label that also holds the statement. A label alone in its own
    rectangle (the fills some word processors draw behind every paragraph) is not boxed."""
    box = _box_around(page, lines[j])
    if box is None:
        return False
    holds_more = any(l.top > lines[j].bottom - 1 and l.bottom <= box[3] + 2 and l.x0 >= box[0] - 2
                     for l in lines[j + 1:j + 3])
    if not label_at(lines[j], lines[j].x0):
        # the label and its wording in a box; a box around that line alone, whose sentence
        # runs on ("… Directeur de"), is a fill behind the line, not the statement's frame
        return holds_more or bool(re.search(r"[.;!?)»]\s*$", lines[j].plain_text))
    return any(l.top > lines[j].bottom - 1 and l.bottom <= box[3] + 2 and l.x0 >= box[0] - 2
               for l in lines[j + 1:j + 3])


def _group(m: re.Match, name: str) -> str | None:
    return m.group(name) if name in m.groupdict() else None


def _label_text(m: re.Match) -> str:
    """The label as printed, without its separator: "Recommandation n°7"."""
    end = m.start("sep") if m.group("sep") else m.end("label")
    return m.string[m.start(): end].strip(" _")


def _opens(ln: Line) -> bool:
    t = ln.plain_text
    return bool(STATEMENT.match(t) or SHORT_STATEMENT.match(t) or (_HEADING.match(t) and ln.bold))


def _number(label: str) -> int | str:
    digits = re.sub(r"\D", "", label)
    return int(digits) if digits and re.fullmatch(r"\D*\d+", label.strip()) else label


def find_statements(doc: Document) -> list[BodyStatement]:
    """Every statement of the body, in reading order (duplicates kept: the caller decides)."""
    found: list[BodyStatement] = []
    for page in doc.pages:
        lines = _page_lines(page)
        margin = text_margin(lines)
        for i, ln in enumerate(lines):
            text = ln.plain_text
            m = STATEMENT.match(text)
            j = i
            if not m and _OPEN_OWNER.match(text):
                # "Recommandation n° 2 (Premier ministre, Secrétariat d'État … (SDFE)) :" runs
                # over lines before its colon: read on until the parenthesis closes
                while j + 1 < len(lines) and j - i < 4 and text.count("(") > text.count(")"):
                    j += 1
                    text += " " + lines[j].plain_text
                m = STATEMENT.match(text)
            if not m:
                m = label_at(ln, margin)  # "Recommandation 36", "n° 01": a label alone, no separator needed
            if not m:
                m = matches("label-lead-in", text)  # "Recommandation n°28 la Cour recommande à …"
            if m:
                if not _boxes_statement(page, lines, j):
                    # no box: the statement runs to the next label, heading or paragraph
                    taken = lines[i:j + 1] + statement_after(doc, page.number, lines, j, margin, _page_lines)
                else:
                    taken, _ = _collect(doc, page.number, lines, j)
                    taken = lines[i:j] + taken
                body = _join([m.group("text") if "text" in m.groupdict() else ""]
                             + [l.plain_text for l in taken[j - i + 1:]])
                if not body:
                    continue
                found.append(BodyStatement(number=_number(m.group("label")), label=_label_text(m),
                                           text=body, page=page.number, bbox=_bbox(taken),
                                           owner=_group(m, "owner"), owners=(m.group("owner"),) if _group(m, "owner") else ()))
                continue
            m = SHORT_STATEMENT.match(text)
            if not m:
                m = _TITLED.match(text)  # "R30 M. I R E Applications utilisant PAM": label and title
                if not m or not (ln.bold or ln.size > doc.body_size + 1):
                    continue
                taken = [ln] + _beside(lines, ln, ln.x0 + 10)
                body = _TAGS.sub("", _join([m.group("title")] + [l.plain_text for l in taken[1:]]))
                found.append(BodyStatement(number=_number(m.group("num")), label=m.group("label").replace(" ", ""),
                                           text=body, page=page.number, bbox=_bbox(taken)))
                continue
            if m.group("text"):
                taken, _ = _collect(doc, page.number, lines, i)
                body = _join([m.group("text")] + [l.plain_text for l in taken[1:]])
            else:
                taken = _beside(lines, ln, ln.x1 - 1)
                body = _TAGS.sub("", _join([l.plain_text for l in taken]))
            if body:
                found.append(BodyStatement(number=_number(m.group("num")), label=m.group("label").replace(" ", ""),
                                           text=body, page=page.number, bbox=_bbox([ln] + taken)))
    return found


def _beside(lines: list[Line], label: Line, min_x: float) -> list[Line]:
    """The boxed title and text printed right of a label alone on its line ("R1")."""
    h = max(label.height, 1)
    cands = sorted((l for l in lines if l.top >= label.top - 2 * h and l is not label), key=lambda l: l.top)
    taken: list[Line] = []
    for l in cands:
        if not re.search(r"\w", l.plain_text):
            continue  # stray dots of the box drawing
        if l.x0 < min_x or (taken and l.top - max(t.bottom for t in taken) > 1.5 * h):
            if l.top > label.top - 1:
                break
            continue
        taken.append(replace(l, text=l.text.lstrip(" ."), spans=()))
    return taken


def _bbox(lines: Sequence[Line]) -> BBox:
    same = [l for l in lines if l.page == lines[0].page]
    return (min(l.x0 for l in same), min(l.top for l in same), max(l.x1 for l in same), max(l.bottom for l in same))


def find_numbered_list(doc: Document) -> list[BodyStatement]:
    """English audit layout (GAO): a side heading "Recommendations for Executive Action",
    a lead-in naming the addressees, then items "1." … "7.", maybe over a page break with a
    second lead-in before the last items (GAO-07-791, pp. 53-54)."""
    for page in doc.pages:
        lines = _page_lines(page)
        margin = [l for l in lines if l.x0 < page.width * 0.2]
        joined = re.sub(r"\s+", " ", " ".join(l.plain_text for l in sorted(margin, key=lambda l: l.top)))
        m = EN_REC_HEADING.search(joined)
        if not m:
            continue
        heading_top = min(l.top for l in margin if re.match(r"(?i)recommendations?", l.plain_text.strip()))
        return _items_from(doc, page.number, heading_top)
    return []


def _items_from(doc: Document, pno: int, top: float) -> list[BodyStatement]:
    out: list[BodyStatement] = []
    lead: list[str] = []
    owner = None
    expected = 1
    current: list[Line] = []
    cur_no = None
    item_x = None

    def flush():
        if cur_no is not None and current:
            first = EN_ITEM.match(current[0].plain_text).group("text")
            out.append(BodyStatement(number=cur_no, label=f"{cur_no}.",
                                     text=_join([first] + [l.plain_text for l in current[1:]]),
                                     page=current[0].page, bbox=_bbox(current), owner=owner,
                                     owners=tuple(_split_en(owner)) if owner else (), method="body"))

    for page in doc.pages[pno - 1: pno + 2]:
        main = [l for l in _page_lines(page) if l.x0 >= page.width * 0.2 and (page.number > pno or l.top >= top - 60)]
        for ln in main:
            t = ln.plain_text
            m = EN_ITEM.match(t)
            if m and int(m.group("num")) == expected and (item_x is None or abs(ln.x0 - item_x) < 3):
                flush()
                item_x = ln.x0
                cur_no, current, expected = expected, [ln], expected + 1
                if lead:
                    mm = EN_LEAD_IN.search(" ".join(lead))
                    owner = re.sub(r"\s+", " ", mm.group("owner")).strip() if mm else owner
                    lead = []
                continue
            if item_x is not None and ln.x0 <= item_x + 1:
                flush()
                cur_no, current = None, []
                lead.append(t)
                if not re.search(r"recommend", " ".join(lead), re.I) and len(lead) > 3:
                    return out
                continue
            if cur_no is not None:
                current.append(ln)
            else:
                lead.append(t)
    flush()
    return out


def _split_en(owner: str) -> list[str]:
    parts = re.split(r",\s+and\s+|;\s*|\s+and\s+(?=(?:the\s+)?(?:Chief|Secretary|Administrator|Director"
                     r"|Commissioner|Attorney|Assistant|Under|Deputy|Head|Chair)\b)", owner)
    return [re.sub(r"^(?:both\s+)?the\s+", "", p.strip(" ,"), flags=re.I) for p in parts if p.strip(" ,")]
