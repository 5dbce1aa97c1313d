"""Pages whose words are not words: a text layer the layout stage cannot trust.

Some text layers are garbage whatever the reader: Type 3 fonts with numbered glyphs and
no ToUnicode (the IGE 2017 report: "(cid:0)(cid:1)…", pdftotext gives digits), glyphs
that no map reads. Such a page is reported (`unreliable_text`) so `quality` shows it and
nobody builds recommendations from it; its text is never guessed.
"""
from __future__ import annotations

import re

from models.document import Page, TextIssue

_TOKEN = re.compile(r"\S+")
_LETTERS = re.compile(r"[^\W\d_]{3,}")
# A word: capitalised, lower case or upper case letters with a vowel (French, English).
_WORD = re.compile(r"(?:[A-ZÀ-Ý]?[a-zß-ÿœ]+|[A-ZÀ-ÝŒ]+)")
_VOWEL = re.compile(r"[aeiouyàâäéèêëîïôöùûüœAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŒ]")
_UNREADABLE = re.compile("[\x00-\x08\x0b-\x1f\ufffd]")
_ALNUM = re.compile(r"[^\W_]")
_LEADER = re.compile(r"[.…_\-–—·•]")
MAX_MARK_SHARE = 0.5  # of the visible characters being other signs
MIN_TOKENS = 20  # fewer letter runs than this say nothing either way
MIN_WORD_SHARE = 0.65  # below this share of word-like letter runs, the page is not text
MAX_UNREADABLE_SHARE = 0.2  # of the page's visible characters


def page_issue(page: Page) -> TextIssue | None:
    """An `unreliable_text` issue when the page's text is not words, else None."""
    text = "\n".join(line.text for line in page.lines)
    visible = len(text) - text.count(" ") - text.count("\n")
    if visible <= 0:
        return None
    unreadable = len(_UNREADABLE.findall(text))
    if visible >= 40 and unreadable > MAX_UNREADABLE_SHARE * visible:
        return TextIssue("unreliable_text", page.number,
                         f"couche texte illisible : {unreadable} caractères sur {visible} sans correspondance",
                         unreadable)
    # Leaders (". . .", "____", "----") are not text either way; what remains must be
    # mostly letters and digits (IGE 2017 p. 50 reads "!"#$%&'()*+,").
    marks = visible - len(_ALNUM.findall(text)) - len(_LEADER.findall(text))
    if visible >= 40 and marks > MAX_MARK_SHARE * visible:
        return TextIssue("unreliable_text", page.number,
                         f"couche texte incohérente : {marks} signes sur {visible} caractères", marks)
    runs = _LETTERS.findall(text)
    if len(runs) < MIN_TOKENS:
        return None
    words = sum(1 for r in runs if _WORD.fullmatch(r) and _VOWEL.search(r))
    if words < MIN_WORD_SHARE * len(runs):
        return TextIssue("unreliable_text", page.number,
                         f"couche texte incohérente : {len(runs) - words} suites de lettres sur {len(runs)} "
                         f"ne forment pas des mots", len(runs) - words)
    return None
