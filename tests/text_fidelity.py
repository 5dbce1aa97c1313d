"""Fidelity of the layout text against poppler's pdftotext, with fidelity.py's measure.

The measure is imported from `../shared/tools/fidelity.py` (words as multisets of letter
runs after NFKC, lower-cased, digits ignored; F1 per page and over the pages together),
so the tests and the tool can never disagree on what "the same words" means. Pages are
read one by one (`Backend.page` + `build_page`), so a sample of a long report costs only
its pages, with either backend.
"""
from __future__ import annotations

import collections
import importlib.util
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from extractors.layout import build_page, open_backend, page_text
from tests.paths import SHARED

FIDELITY_TOOL = SHARED / "tools" / "fidelity.py"


def measure():
    """The fidelity.py module (words, f1), or None when it or pdftotext is missing."""
    if not FIDELITY_TOOL.exists() or shutil.which("pdftotext") is None:
        return None
    spec = importlib.util.spec_from_file_location("shared_fidelity", FIDELITY_TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Fidelity:
    score: float  # F1 over the pages read, together
    worst_page: int
    worst: float
    missing: tuple[tuple[str, int], ...]  # on the worst page: in pdftotext, not in suivi
    extra: tuple[tuple[str, int], ...]  # on the worst page: in suivi only


def sample(count: int, k: int) -> list[int]:
    """k pages spread evenly over the report (first and last included), always the same."""
    if count <= k:
        return list(range(1, count + 1))
    return sorted({round(i * (count - 1) / (k - 1)) + 1 for i in range(k)})


def reference_page(pdf: Path, number: int) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(number), "-l", str(number), str(pdf), "-"],
                         capture_output=True, text=True, errors="replace")
    return out.stdout


def fidelity(pdf: Path, backend: str, pages_per_file: int | None = None) -> Fidelity:
    """Compare the page text the layout gives (as `pages.text` stores it) with pdftotext's."""
    fid = measure()
    reader = open_backend(str(pdf), backend)
    try:
        numbers = (list(range(1, reader.page_count + 1)) if pages_per_file is None
                   else sample(reader.page_count, pages_per_file))
        got = {n: page_text(build_page(reader.page(n))) for n in numbers}
    finally:
        reader.close()
    total_got, total_ref = collections.Counter(), collections.Counter()
    per_page = []
    for number in numbers:
        g, w = fid.words(got[number]), fid.words(reference_page(pdf, number))
        total_got += g
        total_ref += w
        per_page.append((fid.f1(g, w), number, g, w))
    worst, number, g, w = min(per_page)
    return Fidelity(fid.f1(total_got, total_ref), number, worst,
                    tuple((w - g).most_common(8)), tuple((g - w).most_common(8)))
