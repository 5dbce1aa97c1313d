"""Report metadata from the cover: title, inspection bodies, report numbers, date.

The cover is page 1 (page 2 when page 1 carries almost no text). The title is the block
set in the largest type there, because covers print the title biggest; the PDF Info title
is only a fallback (often empty, or the template's name). Bodies come from the names
printed on the cover ("INSPECTION GÉNÉRALE DES AFFAIRES SOCIALES" -> IGAS), never from
running headers deeper in the report, which may cite other bodies.
"""
from __future__ import annotations

import re

from extractors.patterns.headings import (
    BODIES, MONTH_YEAR, MONTHS, NUMERIC_DATE, REPORT_NUMBER,
)
from models.document import Document, Line
from models.records import ReportMeta

_FRENCH_WORDS = re.compile(r"\b(?:le|la|les|des|du|et|est|une|dans|pour|sur|par)\b", re.I)
_ENGLISH_WORDS = re.compile(r"\b(?:the|and|of|to|in|is|for|that|with|on)\b", re.I)


def extract_metadata(doc: Document) -> ReportMeta:
    """Title, bodies, report numbers, date ("YYYY-MM") and language of a report."""
    cover = cover_lines(doc)
    text = "\n".join(ln.text for ln in cover)
    return ReportMeta(
        file_name=doc.file_name,
        sha256=doc.sha256,
        page_count=doc.page_count,
        title=cover_title(cover) or _info_title(doc),
        bodies=find_bodies(text),
        report_numbers=find_report_numbers(text),
        date=find_date(cover),
        language=_language(doc),
    )


def cover_lines(doc: Document) -> list[Line]:
    """The lines of the cover: page 1, plus page 2 when page 1 is (nearly) empty."""
    out: list[Line] = []
    for page in doc.pages[:2]:
        out.extend(ln for ln in page.lines if ln.text.strip())
        if sum(len(ln.text) for ln in out) >= 40:
            break
    return out


def cover_title(lines: list[Line]) -> str | None:
    """The block of lines in the largest type that holds real words (not "GAO", "2019")."""
    blocks: list[list[Line]] = []
    for ln in sorted(lines, key=lambda l: (l.page, l.top, l.x0)):
        if ln.role != "body":
            continue
        for block in blocks:
            last = block[-1]
            if (last.page == ln.page and abs(last.size - ln.size) < 0.6 and last.bold == ln.bold
                    and -0.3 * ln.size <= ln.top - last.bottom < 1.5 * ln.size
                    and min(last.x1, ln.x1) > max(last.x0, ln.x0) - 0.5 * ln.size * 10):
                block.append(ln)
                break
        else:
            blocks.append([ln])
    best = None
    for block in blocks:
        text = re.sub(r"\s+", " ", " ".join(ln.text.strip() for ln in block)).strip()
        letters = sum(ch.isalpha() for ch in text)
        if letters < 8 or len(text) > 400:
            continue
        size = max(ln.size for ln in block)
        if best is None or size > best[0] + 0.3:
            best = (size, text)
    return best[1] if best else None


def _info_title(doc: Document) -> str | None:
    title = (doc.pdf_title or "").strip()
    if not title or re.fullmatch(r"(?i)(?:microsoft\s+word\s*-.*|untitled|document\d*|.*\.docx?)", title):
        return None
    return title


def find_bodies(text: str) -> tuple[str, ...]:
    """Acronyms of the bodies named in `text`, in order of first mention."""
    found: list[tuple[int, str]] = []
    for acronym, pattern in BODIES:
        m = pattern.search(text)
        if m:
            found.append((m.start(), acronym))
    return tuple(acronym for _, acronym in sorted(found))


def find_report_numbers(text: str) -> tuple[str, ...]:
    """Report numbers as printed: "IGAS N°2019-080R", "N°2019-080R", "GAO-07-791"."""
    out: list[str] = []
    for m in REPORT_NUMBER.finditer(text):
        value = re.sub(r"\s+", " ", m.group("fr") or m.group("gao") or m.group("code"))
        if value and value.upper() not in (v.upper() for v in out):
            out.append(value)
    return tuple(out)


def find_date(lines: list[Line]) -> str | None:
    """The cover date as "YYYY-MM": a line that is mostly a date first, else the first date."""
    first = None
    for ln in lines:
        text = ln.text.strip()
        for m in MONTH_YEAR.finditer(text):
            value = f"{int(m.group('year')):04d}-{MONTHS[m.group('month').lower()]:02d}"
            if len(m.group(0)) >= 0.5 * len(text):
                return value
            first = first or value
        if first is None:
            m = NUMERIC_DATE.search(text)
            if m and 1 <= int(m.group("month")) <= 12:
                first = f"{m.group('year')}-{int(m.group('month')):02d}"
    return first


def _language(doc: Document) -> str | None:
    sample = " ".join(ln.text for page in doc.pages[:6] for ln in page.lines)
    fr, en = len(_FRENCH_WORDS.findall(sample)), len(_ENGLISH_WORDS.findall(sample))
    if fr + en < 20:
        return None
    return "fr" if fr >= en else "en"
