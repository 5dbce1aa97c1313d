"""Optional OCR of image-only PDFs (`suivi ingest --ocr`) with ocrmypdf and tesseract.

A scanned report has no text layer; ocrmypdf adds one (French, `-l fra`) into a new
PDF, which is then read like any other. The original file keeps its name and hash in
the database: only the text comes from the OCR-ed copy.
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from typing import Iterator

from models.errors import SuiviError

log = logging.getLogger(__name__)

INSTALL_HINT = "install them with `apt-get install ocrmypdf tesseract-ocr-fra` (or `pip install ocrmypdf`)"


class OCRUnavailable(SuiviError):
    """--ocr was asked for but ocrmypdf or tesseract's French data is missing."""


class OCRFailed(SuiviError):
    """ocrmypdf ran and failed on this file."""


def ocr_available(language: str = "fra") -> str | None:
    """None when OCR can run; otherwise what is missing, as a sentence."""
    missing = [tool for tool in ("ocrmypdf", "tesseract") if shutil.which(tool) is None]
    if missing:
        return f"{' and '.join(missing)} not found"
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"tesseract does not run ({exc})"
    langs = {line.strip() for line in (out.stdout + out.stderr).splitlines()}
    if language not in langs:
        return f"tesseract has no '{language}' language data (package tesseract-ocr-{language})"
    return None


def check_ocr(language: str = "fra") -> None:
    """Raise OCRUnavailable with the install command when OCR cannot run."""
    problem = ocr_available(language)
    if problem:
        raise OCRUnavailable(f"--ocr needs ocrmypdf and tesseract with French data: {problem}; {INSTALL_HINT}")


@contextmanager
def ocr_copy(path: str, language: str = "fra", timeout: float | None = None) -> Iterator[str]:
    """Yield the path of an OCR-ed copy of `path` (same file name, in a temporary folder).

    The copy keeps the original's name so that the report id and file name stored are
    those of the original; the folder is removed on exit.
    """
    check_ocr(language)
    with tempfile.TemporaryDirectory(prefix="suivi-ocr-") as tmp:
        out = os.path.join(tmp, os.path.basename(path))
        # --force-ocr: the pages are images; --output-type pdf: no PDF/A conversion (slow,
        # needs ghostscript); -q: ocrmypdf's progress bars would flood the batch log.
        cmd = ["ocrmypdf", "-q", "-l", language, "--force-ocr", "--output-type", "pdf", str(path), out]
        log.info("OCR: %s", " ".join(cmd))
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise OCRFailed(f"{path}: OCR stopped after {timeout:.0f} s (time limit)") from None
        if proc.returncode != 0 or not os.path.exists(out):
            last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
            raise OCRFailed(f"{path}: OCR failed (ocrmypdf exit {proc.returncode}: {last})")
        yield out
