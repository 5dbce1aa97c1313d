"""Checks that a report's structure did not collapse while it was read.

A damaged or oddly built file can read "fine" yet come out flat: one flipped byte took a
GAO testimony from the 13 sections its outline lists to 1. The outline (bookmarks) is
written by the report's authoring tool, independently of the text layer, so it says what
to expect; far fewer sections than outline entries is worth a quality line.
"""
from __future__ import annotations

from models.document import Document
from models.records import Extraction, Problem

MIN_OUTLINE = 5  # shorter outlines are too small to judge
COLLAPSE_RATIO = 3  # fewer sections than a third of the outline entries: collapsed


def structure_problems(doc: Document, ext: Extraction) -> list[Problem]:
    """A `structure_collapsed` problem when sections are far below what the outline lists."""
    entries = len(doc.outline)
    found = len(ext.sections)
    if entries >= MIN_OUTLINE and found * COLLAPSE_RATIO < entries:
        return [Problem("structure_collapsed",
                        f"{found} section(s) trouvée(s) alors que le sommaire du PDF en compte {entries} : le texte "
                        "est peut-être abîmé ou lu dans le désordre", subject="sections")]
    return []
