"""Patterns for footnotes and tables: note numbers, calls, captions, sources and notes.

French first ("Tableau 3 :", "Source : …"), with the English forms the real corpus shows
("Table 2:", "Figure 4."). Each pattern is tested with positive and negative examples in
tests/test_tables.py and tests/test_footnotes.py.
"""
from __future__ import annotations

import regex

NOTE_START = regex.compile(
    r"""^\s*
    (?P<number>\d{1,4})          # the note number as printed: "12"
    (?:\s*[.)]\s*|\s+)           # then a space, or "12." / "12)" as some layouts print it
    (?=.*\p{L})                  # words follow, not a row of figures ("3 2 1 0" on an axis)
    (?P<text>(?![%‰€$°]|[-–/]\s*\d)\S.*)  # the note text; not "12 %", "12 €", "12 - 14"
    $""",
    regex.X,
)

NOTE_START_GLUED = regex.compile(
    r"""^\s*
    (?P<number>\d{1,4})          # the note number, with no space after it: "7Par décision"
    (?!(?:er|re|ère|e|ème|eme|nde?|d)(?!\p{L}))  # not an ordinal: "1er", "2e", "3ème", "2nd"
    (?P<text>(?:
      \p{L}[\p{L}’'.]            # a word of two letters at least ("Cf.", "L’ADF"), not "4G"
    | [AÀYÔ]\s                   # or a one-letter word: "81A titre d’exemple"
    | [«“(]                      # or a quotation or a parenthesis: "22« Chaque Partie"
    ).*)
    $""",
    regex.X,
)  # LibreOffice Writer prints the number of a note like that when the footnote paragraph
# style has no hanging indent (its number then touches the text, at the text's size)

GLUED_DIGITS = regex.compile(
    r"""^\s*
    (?P<digits>\d{2,8}+)         # a note number glued to a text that starts with digits
    (?P<rest>(?!\p{L})\S*\s*\p{L}.*)  # then no letter, then words: "2380% des", "2410 stages"
    $""",
    regex.X,
)  # read only where the notes of the area are glued (NOTE_START_GLUED)

CALL_TEXT = regex.compile(
    r"""^\s*
    \d{1,4}                      # a call: "12"
    (?:\s*[,\-–]\s*\d{1,4})*     # or several: "3,4" / "5-7"
    \s*$""",
    regex.X,
)

CAPTION = regex.compile(
    r"""^\s*
    (?P<kind>Tableau|Tab\.|Table|Graphique|Figure|Schéma|Carte|Encadré)  # the object named
    (?P<marker>\s+n\s*[°o º]\s*|\s+)?  # "Tableau n° 3", "Tableau 3", "Tableau :"
    (?P<label>\d{1,3}(?:[.\-]\d{1,3})?|[IVX]{1,5})?  # its number: "3", "2.4", "12-1", "IV"
    \s*(?P<sep>[:.–—-])          # the separator after the label: ":", ".", "–"
    \s*(?P<text>.*)              # the caption text (may be empty when it wraps)
    $""",
    regex.X,
)

CAPTION_BARE = regex.compile(
    r"""^\s*
    (?P<kind>Tableau|Graphique|Figure|Schéma|Carte|Encadré)  # the object named
    \s+n\s*[°o º]\s*             # always with "n°": "Tableau n° 27"
    (?P<label>\d{1,3})            # its number
    \s+(?P<text>\p{Lu}?\p{Ll}.*)   # then the title without a separator: "activités au sein…"
    $""",
    regex.X,
)  # trusted only on a bold line (ANAMO 2023, p. 41; Cour des comptes du Sénégal 2017, p. 105)

TABLE_KINDS = ("tableau", "tab.", "table")  # captions that announce a table (not a figure)

SOURCE = regex.compile(
    r"""^\s*
    (?:Sources?|Source\s+des\s+données)  # "Source", "Sources", "Source des données"
    \s*:                                  # always followed by a colon in French reports
    """,
    regex.X | regex.I,
)

TABLE_NOTE = regex.compile(
    r"""^\s*
    (?:Notes?|Lecture|Champ|Nota|N\.\s?B\.|Précisions?\s+méthodologiques?)  # what the line is
    \s*:                                  # followed by a colon
    """,
    regex.X | regex.I,
)

NOTE_START_DOUBTFUL = regex.compile(
    r"""^\s*
    \d{1,3}                      # what would be the note number…
    (?:
      \s\d{3}(?!\d)              # …is a French thousands group: "4 000 bénéficiaient"
    | (?:er)?\s+                 # …or the day of a date: "12 décembre 2016", "1er mars"
      (?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre
        |novembre|d[ée]cembre|january|february|march|april|may|june|july|august
        |september|october|november|december)\b
    )""",
    regex.X | regex.I,
)  # such a line usually continues a note: it opens one only when no other line can
