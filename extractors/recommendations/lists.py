"""Recommendations printed as lists: numbered or bulleted items under a lead-in or a heading.

Why: many reports never write "Recommandation n° X". The Cour des comptes closes a chapter with
"la Cour formule les recommandations suivantes :" and items "1. (État) : compléter …" whose
numbering runs on across chapters (haut débit 2017, pp. 82 and 108); OFNAC 2023 puts 27 items
under one lead-in "… recommande au Ministre chargé de la Santé :" and a case title, over a
page break (pp. 90-91); la Poste 2016 prints unnumbered bullets in the chapters and numbers
them only in its "Récapitulatif des recommandations", under addressee headings (p. 140).

This module reads such lists into `ListItem`s; `list_records` turns them into records.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import regex as re

from extractors.recommendations.conventions import matches
from extractors.recommendations.list_patterns import OWNER_PREFIX, OWNER_SEPARATOR
from extractors.recommendations.patterns import LIST_TITLE, STATEMENT
from models.document import BBox, Boxed, Document, Page

# A numbered recommendation named in a paragraph: "✔ la recommandation n° 12 :" (2017 p. 213).
_NUMBERED_MENTION = re.compile(r"\b(?:recommandation|conclusion)s?\s*n\s*[°º]\s*\d", re.IGNORECASE)
MAX_PREAMBLE = 8  # title lines allowed between a lead-in and its first item (OFNAC: a 4-line case title)


@dataclass(frozen=True)
class Row(Boxed):
    """One visual line: the pieces a PDF writes apart on one baseline, joined back
    ("l'Off" + "ice", a ligature printed over its neighbour: OFNAC 2023 p. 90)."""

    page: int
    text: str
    bbox: BBox
    size: float
    bold: bool

    @property
    def height(self) -> float:
        return max(self.bbox[3] - self.bbox[1], 1.0)


@dataclass(frozen=True)
class ListItem:
    number: int | None  # None for a bullet
    label: str  # "1.", "1-", "•"
    text: str
    owner: str | None  # the addressee as printed (item parenthesis, lead-in or heading)
    owners: tuple[str, ...]
    page: int
    bbox: BBox
    heading: str | None = None  # the addressee heading above the item in a summary
    theme: str | None = None  # a title grouping the items after it (a case, a theme)


@dataclass(frozen=True)
class ItemList:
    items: tuple[ListItem, ...]
    summary: bool  # under a "Récapitulatif / Liste des recommandations" title
    page: int
    top: float
    lead_in: str
    chapter: str | None = None  # the "CHAPITRE …" heading above, as printed (the group on a restart)


def page_rows(page: Page) -> list[Row]:
    """Body lines of a page as visual rows, top to bottom."""
    lines = sorted((l for l in page.lines if l.role == "body"), key=lambda l: (round(l.top), l.x0))
    rows: list[Row] = []
    for ln in lines:
        prev = rows[-1] if rows else None
        h = max(ln.height, 1.0)
        if prev is not None and abs(prev.top - ln.top) < 0.35 * h and -0.6 * h < ln.x0 - prev.bbox[2] < 0.45 * h:
            glue = "" if ln.x0 - prev.bbox[2] < 0.12 * h else " "
            rows[-1] = Row(prev.page, prev.text + glue + ln.plain_text.strip(),
                           (prev.x0, min(prev.top, ln.top), max(prev.bbox[2], ln.x1), max(prev.bottom, ln.bottom)),
                           prev.size, prev.bold and ln.bold)
        else:
            rows.append(Row(page.number, ln.plain_text.strip(), ln.bbox, ln.size, ln.bold))
    return [r for r in rows if r.text]


def _stream(doc: Document) -> list[Row]:
    return [r for page in doc.pages for r in page_rows(page)]


def join_text(parts: Sequence[str]) -> str:
    """Lines of one item as one string: a word cut by a hyphen at the line end is rejoined."""
    text = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if text.endswith("-") and p[:1].islower() and not text.endswith(" -"):
            text += p
        else:
            text += (" " if text else "") + p
    return re.sub(r"\s+", " ", text).strip()


def split_owners(owner: str) -> tuple[str, ...]:
    """Each addressee of "État, collectivités territoriales" or "aux actionnaires (État et
    Caisse des dépôts et consignations) et à La Poste": a group named with its members in
    parentheses stands for those members."""
    owner = OWNER_PREFIX.sub("", owner.strip())
    out: list[str] = []
    pieces: list[str] = []
    for piece in _split_outside(owner):
        m = re.fullmatch(r"[^()]*?\((?P<members>[^()]+)\)", piece)
        pieces += _split_outside(m.group("members")) if m else [piece]
    for p in pieces:
        p = OWNER_PREFIX.sub("", p.strip(" .;:"))
        p = re.sub(r"^l['’]\s*", "", p)
        if p and p not in out:
            out.append(p[0].upper() + p[1:] if p[:1] == "é" else p)
    return tuple(out)


def _split_outside(text: str) -> list[str]:
    """Split on addressee separators that are not inside parentheses."""
    masked = re.sub(r"\([^()]*\)", lambda m: "\0" * len(m.group(0)), text)
    parts, start = [], 0
    for m in OWNER_SEPARATOR.finditer(masked):
        parts.append(text[start:m.start()])
        start = m.end()
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _owner_of_heading(text: str) -> str | None:
    m = matches("owner-heading", text)
    return OWNER_PREFIX.sub("", m.group("owner")).strip() if m else None


def _is_title(row: Row, body_size: float) -> bool:
    return row.bold or row.size > body_size + 1


def _lead_in_at(rows: list[Row], i: int, body_size: float) -> str | None:
    """The lead-in paragraph ending at rows[i] (it ends with a colon), if it announces a list."""
    if not rows[i].text.rstrip().endswith(":") or abs(rows[i].size - body_size) > 1:
        return None  # a smaller font is a table cell (2017 p. 237, the condensé tables)
    parts = [rows[i].text]
    k = i - 1
    while k >= 0 and len(parts) < 4 and rows[k].page == rows[i].page and rows[k + 1].top - rows[k].bottom < 0.8 * rows[i].height \
            and not rows[k].text.rstrip().endswith((".", ":", ";")):
        parts.insert(0, rows[k].text)
        k -= 1
    before = rows[k].text if k >= 0 and rows[k].page == rows[i].page else ""
    text = join_text(parts)
    if STATEMENT.match(text) or _NUMBERED_MENTION.search(text) or _NUMBERED_MENTION.search(before):
        return None  # "Recommandation n° 1 : La Cour demande au :", "la recommandation n° 12 : la Cour
        # recommande au Directeur général de :" (a labelled or reprinted statement, not a list)
    return text if matches("list-lead-in", text) else None


def find_lists(doc: Document) -> list[ItemList]:
    """Every list of recommendations, in reading order."""
    rows = _stream(doc)
    body_size = doc.body_size
    found: list[ItemList] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        summary = bool(LIST_TITLE.match(row.text)) and _is_title(row, body_size)
        lead = None
        if summary or (_is_title(row, body_size) and matches("list-heading", row.text)):
            lead = row.text
        else:
            lead = _lead_in_at(rows, i, body_size)
        if lead is None:
            i += 1
            continue
        last = next((it.number for lst in reversed(found) if not lst.summary
                     for it in reversed(lst.items) if it.number is not None), None)
        starts = (1,) if summary or last is None else (1, last + 1)
        items, end = _items(rows, i + 1, lead, starts, body_size, summary)
        if items:
            found.append(ItemList(tuple(items), summary, row.page, row.top, lead, _chapter_above(rows, i, body_size)))
            i = end
        else:
            i += 1
    return found


def _items(rows: list[Row], j: int, lead: str, starts: tuple[int, ...], body_size: float,
           summary: bool) -> tuple[list[ListItem], int]:
    """Items after a lead-in or title; returns them and the index of the first row after."""
    m = matches("lead-in-owner", lead)
    lead_owner = m.group("owner").strip() if m else None
    heading = theme = None
    k = j
    # preamble: titles (a case title, an addressee heading) before the first item
    while k < len(rows) and k - j < MAX_PREAMBLE and _is_title(rows[k], body_size) \
            and not matches("list-item", rows[k].text) and not matches("list-bullet", rows[k].text):
        title, n = _title_block(rows, k, body_size)
        owner = _owner_of_heading(title) if summary else None
        heading, theme = (owner, theme) if owner else (heading, title)
        k += n
    if k >= len(rows):
        return [], j
    first = rows[k]
    m = matches("list-item", first.text)
    numbered = bool(m and int(m.group("num")) in starts)
    if not numbered and not (matches("list-bullet", first.text) and not summary and "recommand" in lead.lower()):
        return [], j
    item_x = first.x0
    expected = int(m.group("num")) if numbered else None
    current: list[Row] = []
    items: list[ListItem] = []
    heading_owner = heading

    def flush():
        if current:
            items.append(_item(current, numbered, lead_owner, heading_owner, theme))

    while k < len(rows):
        row = rows[k]
        prev = current[-1] if current else rows[k - 1]
        new_page = row.page != prev.page
        if new_page and row.size < 0.75 * body_size:
            k += 1  # a running head the layout stage left in the body (2017 p. 154, 5.8 pt)
            continue
        m = matches("list-item", row.text)
        is_next = (m is not None and numbered and int(m.group("num")) == expected
                   and (abs(row.x0 - item_x) < 8 or new_page or not current))
        is_bullet = (not numbered and matches("list-bullet", row.text) is not None
                     and (abs(row.x0 - item_x) < 8 or new_page))
        gap = row.top - prev.bottom if not new_page else 0.0
        if (is_next or is_bullet) and gap < 3.0 * row.height:
            flush()
            if new_page:
                item_x = row.x0
            current = [row]
            expected = expected + 1 if numbered else None
            k += 1
            continue
        if _is_title(row, body_size) and not matches("list-item", row.text):
            title, n = _title_block(rows, k, body_size)
            owner = _owner_of_heading(title) if summary else None
            nxt = matches("list-item", rows[k + n].text) if k + n < len(rows) else None
            if owner is not None or (numbered and nxt and int(nxt.group("num")) == expected):
                # an addressee heading of the summary, or a theme title inside the list
                flush()
                current = []
                heading_owner, theme = (owner, theme) if owner else (heading_owner, title)
                k += n
                continue
        if current and _continues(row, current, item_x, new_page, body_size, rows[k + 1] if k + 1 < len(rows) else None):
            current.append(row)
            k += 1
            continue
        break
    flush()
    return items, k


_CHAPTER = re.compile(r"^\s*(?:CHAPITRE|Chapitre)\s+(?:[IVXLC]+|\d{1,2}|premier|PREMIER)\b")
_PART = re.compile(r"^\s*(?:\p{Lu}+\s+PARTIE|\p{Lu}\p{Ll}+\s+partie)\b")


def _chapter_above(rows: list[Row], i: int, body_size: float) -> str | None:
    """The chapter a list belongs to, as its title page prints it: "CHAPITRE I" and the title
    rows under it, after the part ("PREMIERE PARTIE – CHAPITRE I : CONTROLE DE L'EXECUTION …",
    Cour des comptes du Sénégal 2017 p. 20)."""
    for k in range(i, -1, -1):
        if rows[k].size > body_size + 1 and _CHAPTER.match(rows[k].text):
            block = []
            for r in rows[k + 1:k + 6]:
                if r.page != rows[k].page or r.size <= body_size + 1 or (block and abs(r.size - block[0].size) > 0.5):
                    break
                block.append(r)
            name = rows[k].text.strip() + (f" : {join_text([r.text for r in block])}" if block else "")
            part = next((r.text.strip() for r in reversed(rows[:k]) if r.size > body_size + 1 and _PART.match(r.text)),
                        None)
            return f"{part} – {name}" if part else name
    return None


def _title_block(rows: list[Row], k: int, body_size: float) -> tuple[str, int]:
    """A title wrapped over consecutive title rows, joined; returns it and its row count."""
    n = 1
    while (k + n < len(rows) and _is_title(rows[k + n], body_size) and rows[k + n].page == rows[k].page
           and rows[k + n].top - rows[k + n - 1].bottom < 0.8 * rows[k].height
           and not matches("list-item", rows[k + n].text) and not rows[k + n - 1].text.rstrip().endswith(":")):
        n += 1
    return join_text([r.text for r in rows[k:k + n]]), n


def _continues(row: Row, current: list[Row], item_x: float, new_page: bool, body_size: float,
               nxt: Row | None = None) -> bool:
    """Whether a row goes on with the current item: indented under it (hanging indent, its
    bullets and their wrapped lines), wrapped at the item's margin while its sentence is not
    over, or after a colon (sub-items, a bold sub-addressee "Au Directeur de … :" then bullets,
    Cour des comptes du Sénégal 2017 p. 112); on a new page, the first rows past the margin."""
    prev = current[-1]
    text = row.text.rstrip()
    bullet = matches("list-bullet", row.text) is not None
    opener = prev.text.rstrip().endswith(":")
    sub_addressee = _is_title(row, body_size) and (  # "Au DAGE :", "Le DAGE" then bullets (2017 p. 122)
        text.endswith(":") or (nxt is not None and matches("list-bullet", nxt.text) is not None))
    if row.size > body_size + 1.5 or (_is_title(row, body_size) and not prev.bold and not sub_addressee):
        return False  # a heading
    if new_page:
        return row.x0 > item_x - 12 and not matches("list-item", row.text)
    gap = row.top - prev.bottom
    if row.top < prev.top or row.x0 < item_x - 30:
        return False
    if gap > 1.0 * row.height:
        # sub-items set apart by more space: "1- La Cour demande au MEFP de présenter … avec :"
        # then "• un tableau …" (Cour des comptes du Sénégal 2017, p. 73)
        return gap <= 2.5 * row.height and (
            bullet or opener or sub_addressee
            or (row.x0 > item_x + 3 and prev.text.rstrip().endswith((";", ","))))  # a dash drawn, not printed
    inner = min(r.x0 for r in current)
    if row.x0 > inner + 3 or bullet or sub_addressee:
        return True
    return abs(row.x0 - inner) <= 3 and (opener or not prev.text.rstrip().endswith((".", ";")))


def _item(rows: list[Row], numbered: bool, lead_owner: str | None, heading_owner: str | None,
          theme: str | None) -> ListItem:
    first = rows[0]
    if numbered:
        m = matches("list-item", first.text)
        label = first.text[: m.start("text")].strip()
        number: int | None = int(m.group("num"))
        head = m.group("text")
    else:
        m = matches("list-bullet", first.text)
        label, number, head = m.group("bullet"), None, m.group("text")
    text = join_text([head] + [r.text for r in rows[1:]])
    owner = None
    mo = matches("item-owner", text)
    if mo:
        owner, text = mo.group("owner").strip(), mo.group("text")
    owner = owner or heading_owner or lead_owner
    same = [r for r in rows if r.page == first.page]
    bbox = (min(r.x0 for r in same), first.top, max(r.bbox[2] for r in same), max(r.bottom for r in same))
    return ListItem(number, label, text, owner, split_owners(owner) if owner else (), first.page, bbox,
                    heading_owner, theme)
