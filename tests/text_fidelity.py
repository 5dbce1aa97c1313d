"""Fidelity of the layout text against poppler's pdftotext, with fidelity.py's measure.

The measure is imported from `../shared/tools/fidelity.py` (words as multisets of letter
runs after NFKC, lower-cased, digits ignored; F1 per page and over the document), so the
tests and the tool can never disagree on what "the same words" means.
"""
from __future__ import annotations

import collections
import importlib.util
import shutil
from dataclasses import dataclass
from pathlib import Path

from extractors.layout import page_texts, read_document
from tests.paths import SHARED

FIDELITY_TOOL = SHARED / "tools" / "fidelity.py"


def measure():
    """The fidelity.py module (words, f1, reference_pages), or None when it is missing."""
    if not FIDELITY_TOOL.exists() or shutil.which("pdftotext") is None:
        return None
    spec = importlib.util.spec_from_file_location("shared_fidelity", FIDELITY_TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Fidelity:
    score: float  # F1 over the sampled pages together
    worst_page: int
    worst: float
    missing: tuple[tuple[str, int], ...]  # on the worst page: in pdftotext, not in suivi
    extra: tuple[tuple[str, int], ...]  # on the worst page: in suivi only


def fidelity(pdf: Path, backend: str, pages: set[int] | None = None) -> Fidelity:
    """Compare the layout's page text (as `pages.text` stores it) with pdftotext's."""
    fid = measure()
    ref = fid.reference_pages(pdf)
    got = {n: text for n, _, text in page_texts(read_document(str(pdf), backend))}
    total_got, total_ref = collections.Counter(), collections.Counter()
    per_page = []
    for number, ref_text in enumerate(ref, 1):
        if pages is not None and number not in pages:
            continue
        g, w = fid.words(got.get(number, "")), fid.words(ref_text)
        total_got += g
        total_ref += w
        per_page.append((fid.f1(g, w), number, g, w))
    worst, number, g, w = min(per_page)
    return Fidelity(fid.f1(total_got, total_ref), number, worst,
                    tuple((w - g).most_common(8)), tuple((g - w).most_common(8)))
