"""Measure table extraction on real reports: caption recall and uncaptioned prose.

Developer tool (not installed): for each PDF it prints how many "Tableau n° X" captions
printed in the body (not in a list of tables) have a table with that label on the caption's page or a neighbour,
and how many detected tables are uncaptioned prose: no number (`number` null, whether
or not a title was found above them) and 40 % or more of their non-empty cells longer
than 70 characters. Summary and follow-up tables of recommendations are not data tables
and are left out of the count (their header names the recommendations).

    .venv/bin/python -m tests.tools.table_quality ../shared/corpus/real-fr/*.pdf
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from extractors.layout import read_document
from pipeline.extract import ExtractSettings, extract_document

# "Tableau n° 12 : …" opening a line; a list of tables ("…… 13") is not a caption.
CAPTION = re.compile(r"^\s*Tableau\s+n\s*[°o º]\s*(\d{1,3}(?:[.\-]\d{1,3})?)\b")
LEADERS = re.compile(r"(?:\.{3,}|…{2,}|\s\.\s\.)\s*\d{1,4}\s*$")
LONG = 70  # characters: a cell longer than this reads as a sentence
PROSE_SHARE = 0.4
# A summary (or follow-up) table of recommendations is not a data table: its header
# names them ("Libellé de la recommandation", "N° RECOM-MANDA TION").
SUMMARY_HEADER = re.compile(r"recom\W*manda\W*tion", re.I)
LIST_OF_TABLES = 5  # captions on one page: a list of tables without leaders (ANAMO 2023, p. 4)


@dataclass(frozen=True)
class Figures:
    file: str
    captions: int
    found: int
    tables: int
    uncaptioned: int
    prose: int
    prose_pages: tuple[int, ...]


def is_prose(cells) -> bool:
    full = [c for row in cells for c in row if c.strip()]
    return bool(full) and sum(1 for c in full if len(c) > LONG) >= PROSE_SHARE * len(full)


def is_summary(cells) -> bool:
    header = [c for row in cells[:2] for c in row if c.strip()]
    return any(SUMMARY_HEADER.search(c.replace(" ", "")) for c in header)


def measure(path: str, backend: str = "pdfium") -> Figures:
    doc = read_document(path, backend=backend)
    ex = extract_document(doc, ExtractSettings(backend=backend))
    printed = [(ln.page, m.group(1)) for page in doc.pages for ln in page.lines
               if ln.is_body and (m := CAPTION.match(ln.plain_text)) and not LEADERS.search(ln.text)]
    per_page = Counter(page for page, _ in printed)
    printed = [(page, label) for page, label in printed if per_page[page] < LIST_OF_TABLES]
    spans = [(t.label, t.page, t.page_end or t.page) for t in ex.tables if t.cells]
    found = sum(1 for page, label in printed
                if any(lab == label and first - 1 <= page <= last + 1 for lab, first, last in spans))
    tables = [t for t in ex.tables if not is_summary(t.cells)]
    loose = [t for t in tables if t.number is None and t.label is None]
    prose = [t for t in loose if is_prose(t.cells)]
    return Figures(Path(path).name, len(printed), found, len(tables), len(loose), len(prose),
                   tuple(t.page for t in prose))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="+")
    ap.add_argument("--backend", default="pdfium")
    ap.add_argument("--pages", action="store_true", help="list the pages of the prose tables")
    args = ap.parse_args(argv)
    total = Figures("TOTAL", 0, 0, 0, 0, 0, ())
    for pdf in args.pdfs:
        f = measure(pdf, args.backend)
        recall = f"{f.found / f.captions:.3f}" if f.captions else "-"
        print(f"{f.file}: captions {f.found}/{f.captions} (recall {recall}); tables {f.tables}, "
              f"uncaptioned {f.uncaptioned}, prose {f.prose} ({f.prose / max(f.tables, 1):.1%})"
              + (f" pages {list(f.prose_pages)}" if args.pages and f.prose_pages else ""), flush=True)
        total = Figures("TOTAL", total.captions + f.captions, total.found + f.found, total.tables + f.tables,
                        total.uncaptioned + f.uncaptioned, total.prose + f.prose, ())
    recall = f"{total.found / total.captions:.3f}" if total.captions else "-"
    print(f"TOTAL: captions {total.found}/{total.captions} (recall {recall}); tables {total.tables}, "
          f"uncaptioned {total.uncaptioned}, prose {total.prose} ({total.prose / max(total.tables, 1):.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
