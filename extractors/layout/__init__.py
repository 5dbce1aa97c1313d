"""Layout stage: read a PDF once into the Document / Page / Line model.

A backend (`backend.Backend`: pypdfium2 by default, pdfplumber as the reference) gives
each page's glyphs and drawings; `lines` groups glyphs into lines, `running` marks
running headers, footers and page labels. Extractors read the Document only.
"""
from __future__ import annotations

import hashlib
import os

from extractors.layout.backend import (BACKENDS, Backend, Glyph, RawPage, check_pdf_file,
                                       clean_font_name, iter_pages, open_backend)
from extractors.layout.lines import build_page, cell_borders, make_line
from extractors.layout.reliability import page_issue
from extractors.layout.running import HEADER_ZONE, label_of, mark_running_lines, page_text, page_texts
from models.document import Document, TextIssue
from models.errors import NoTextLayer

__all__ = ["BACKENDS", "Backend", "Glyph", "HEADER_ZONE", "RawPage", "TextIssue", "build_page", "cell_borders",
           "check_pdf_file", "clean_font_name", "iter_pages", "label_of", "make_line", "mark_running_lines",
           "open_backend", "page_text", "page_texts", "read_document", "sha256_file"]


def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_document(path: str, backend: str = "pdfium", sha256: str | None = None) -> Document:
    """Open the PDF once and build the layout model; raise a SuiviError when it cannot."""
    reader = open_backend(path, backend)
    try:
        count = reader.page_count
        outline, pdf_title = reader.outline(), reader.title()
        pages, issues = [], []
        for raw in iter_pages(reader):
            page = build_page(raw)
            pages.append(page)
            issues.extend(raw.issues)
            if (issue := page_issue(page)) is not None:
                issues.append(issue)
    finally:
        reader.close()
    if not any(p.has_text for p in pages):
        raise NoTextLayer(f"{path}: no text layer (image-only PDF, {count} page{'s' if count > 1 else ''}); re-run with --ocr")
    pages = mark_running_lines(pages)
    return Document(
        path=str(path),
        file_name=os.path.basename(path),
        sha256=sha256 or sha256_file(path),
        pages=tuple(pages),
        outline=outline,
        pdf_title=pdf_title,
        backend=backend,
        text_issues=tuple(issues),
    )
