"""The exceptions suivi raises for expected failures; the CLI prints them as one line."""
from __future__ import annotations


class SuiviError(Exception):
    """Base class: the message names the file and says what to do about it."""


class UnreadablePDF(SuiviError):
    """Not a PDF, truncated or corrupt beyond what the backend can repair."""


class EncryptedPDF(SuiviError):
    """The PDF needs a password to open."""


class EmptyPDF(SuiviError):
    """The PDF has no pages."""


class NoTextLayer(SuiviError):
    """Every page is an image: the PDF is a scan (use --ocr)."""


class ExtractionTimeout(SuiviError):
    """A file ran past the per-file time limit."""


class BadStatusFile(SuiviError):
    """A status CSV has rows that cannot be imported; nothing was imported."""
