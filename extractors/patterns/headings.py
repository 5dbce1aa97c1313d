"""Patterns for headings, parts, annexes and cover metadata of French inspection reports.

Examples come from the IGAS/IGA/IGJ 2019 report (dev corpus) and from the layouts the
fixture builder produces; English equivalents cover GAO-style covers.
"""
from __future__ import annotations

import re

import regex  # variable-width look-behind

# A numbered heading: "1.1.4 Title", "1.1.4. Title", "II. Title", "A. Title", "a) Title",
# "1) Title", "3 - Title". The title must start like a sentence (capital, quote, digit is
# not allowed) so that "1. les services" in running text and "1 000 euros" are not taken.
NUMBERED_HEADING = regex.compile(
    r"""^\s*
    (?P<label>
        (?:(?i:chapitre|chapter)\s+)?              # "Chapitre 1" (DocBook, LaTeX layouts)
        (?P<dec>\d{1,2}(?:\.\d{1,2}){0,5})          # decimal path: 1, 1.1, 1.1.4
        (?P<decpunct>\.?\)?)                        # optional "." or ")" after it
      | (?P<roman>[IVXL]{1,6})(?P<rompunct>[.)])?   # roman numeral: I. II) IV (dot optional)
      | (?P<upper>[A-Z])(?P<uppunct>[.)]|(?=\s[-–—]\s))  # capital letter: A. B) or "A - " (Cour des comptes)
      | (?P<lower>[a-z])(?P<lowpunct>[.)]|(?=\s[-–—]\s))  # small letter: a) b. or "a - "
    )
    \s*(?:[-–—:]\s*)?                               # optional dash or colon separator
    (?<=\s|[-–—:.)])                                # the label is followed by a blank or mark
    (?P<title>[«"“(]?\s?[A-ZÀ-ÖØ-Þ].*?             # title starts with a capital (or a quote),
      | (?<=\d\.\d{1,2}\s)[a-zà-ÿ].*?)              # or, after "6.7.1 ", a lower-case word (syslog)
    \s*$""",
    regex.VERBOSE,
)

# A line made of a label only ("1.2", "II.", "A)"), when the layout puts the title in a
# separate text run on the same baseline.
LABEL_ONLY = re.compile(
    r"""^\s*(?:
        (?:(?i:chapitre|chapter)\s+)?        # "Chapitre 1", its title on the next line
        \d{1,2}(?:\.\d{1,2}){0,5}\.?\)?     # 1  1.2  1.2.  1)
      | [IVXL]{1,6}[.)]?                    # II  II.
      | [A-Za-z](?:[.)]|\s[-–—])            # A.  a)  A -
    )\s*[-–—:]?\s*$""",
    re.VERBOSE,
)

# A caption or box title never continues a heading ("Table 1:", "Tableau n° 3 :", "Encadré 2").
CAPTION_START = re.compile(
    r"""^\s*(?:table(?:au)?|figure|graphique|sch[ée]ma|carte|encadr[ée]|source|note)  # caption word
    \s*(?:n\s?[°º]\s*)?\d                    # then a number (or "n° 3")
    """,
    re.VERBOSE | re.IGNORECASE,
)

# Unnumbered parts, matched against the whole (joined) heading text.
PART = re.compile(
    r"""^\s*(?:
        SYNTH[ÈE]SE(?:\s+DU\s+RAPPORT)?             # SYNTHÈSE
      | R[ÉE]SUM[ÉE]                                # RÉSUMÉ
      | INTRODUCTION(?:\s+G[ÉE]N[ÉE]RALE)?          # INTRODUCTION
      | CONCLUSIONS?(?:\s+G[ÉE]N[ÉE]RALES?)?        # CONCLUSION
      | AVANT[-\s]PROPOS | PR[ÉE]AMBULE             # front matter
      | SIGLES(?:\s+UTILIS[ÉE]S)? | LISTE\s+DES\s+(?:SIGLES|ABR[ÉE]VIATIONS)   # acronyms
      | GLOSSAIRE                                   # glossary
      | ANNEXES | PI[ÈE]CES?\s+JOINTES?             # annex and attachment parts
      | LETTRE\s+DE\s+MISSION                       # mission letter
      | R[ÉE]PONSES?\s+DES?\s+.{3,60}               # replies of the audited bodies
      | (?P<reclist>                                # the list of recommendations
          (?:TABLE|LISTE|R[ÉE]CAPITULATIF|RELEV[ÉE]|SYNTH[ÈE]SE|TABLEAU(?:\s+R[ÉE]CAPITULATIF)?)
          \s+DES\s+(?:RECOMMANDATIONS|PROPOSITIONS|PR[ÉE]CONISATIONS)(?:\s+.{0,60})?)  # IGF: propositions
    )\s*$""",
    re.VERBOSE | re.IGNORECASE,
)

# Table-of-contents headings: their page is a TOC, not content.
TOC_TITLE = re.compile(
    r"""^\s*(?:SOMMAIRE|TABLE\s+DES\s+MATI[ÈE]RES|CONTENTS|TABLE\s+OF\s+CONTENTS)\s*$""",
    re.VERBOSE | re.IGNORECASE,
)

# A TOC line: ends in a page number after dot leaders or blanks ("1.2 Titre ...... 14").
TOC_LINE = re.compile(
    r"""(?:
        (?:\.\s?){3,}\s*\d{1,3}          # dot leaders then a page number
      | …+\s*\d{1,3}                     # ellipsis leaders
      | \s\d{1,3}                        # or a page number after a blank
    )\s*$""",
    re.VERBOSE,
)

# Dot leaders anywhere mark a TOC or index line, never a heading.
LEADERS = re.compile(r"(?:\.\s?){5,}|…{2,}|_{5,}")

# "Annexe n° 4 : Title", "ANNEXE 4 – Title", "Annexe 4. Title", "Annexe IV : Title".
ANNEX = re.compile(
    r"""^\s*ANNEXE\s+                        # the word
    (?:n\s?[°º o]\s*)?                       # optional "n°"
    (?P<num>\d{1,3}|[IVXL]{1,6})             # arabic or roman number
    \s*(?:[:.\-–—]\s*(?P<title>.*?))?        # separator and title (may be on next lines)
    \s*$""",
    re.VERBOSE | re.IGNORECASE,
)

# --- cover metadata ------------------------------------------------------------------------

# Inspection bodies, their names as printed on covers, and the acronym we store.
BODIES: tuple[tuple[str, re.Pattern], ...] = tuple(
    (acronym, re.compile(pattern, re.VERBOSE | re.IGNORECASE))
    for acronym, pattern in (
        ("IGAS", r"inspection\s+g[ée]n[ée]rale\s+des\s+affaires\s+sociales|\bIGAS\b"),
        ("IGA", r"inspection\s+g[ée]n[ée]rale\s+de\s+l['’]\s?administration(?!\s+de\s+l)|\bIGA\b"),
        ("IGJ", r"inspection\s+g[ée]n[ée]rale\s+de\s+la\s+justice|\bIGJ\b"),
        ("IGF", r"inspection\s+g[ée]n[ée]rale\s+des\s+finances|\bIGF\b"),
        ("IGESR", r"inspection\s+g[ée]n[ée]rale\s+de\s+l['’]\s?[ée]ducation,?\s+du\s+sport\s+et\s+de\s+la\s+recherche|\bIGESR\b"),
        ("IGEDD", r"inspection\s+g[ée]n[ée]rale\s+de\s+l['’]\s?environnement\s+et\s+du\s+d[ée]veloppement\s+durable|\bIGEDD\b"),
        ("CGEDD", r"conseil\s+g[ée]n[ée]ral\s+de\s+l['’]\s?environnement\s+et\s+du\s+d[ée]veloppement\s+durable|\bCGEDD\b"),
        ("CGAAER", r"conseil\s+g[ée]n[ée]ral\s+de\s+l['’]\s?alimentation,?\s+de\s+l['’]\s?agriculture\s+et\s+des\s+espaces\s+ruraux|\bCGAAER\b"),
        ("CCOMPTES", r"cour\s+des\s+comptes"),
        ("ANSSI", r"agence\s+nationale\s+de\s+la\s+s[ée]curit[ée]\s+des\s+syst[èe]mes\s+d['’]\s?information|\bANSSI\b"),
        ("GAO", r"(?:united\s+states\s+)?government\s+accountability\s+office|\bGAO\b"),
        ("ATSB", r"australian\s+transport\s+safety\s+bureau|\bATSB\b"),
        ("TSB", r"transportation\s+safety\s+board\s+of\s+canada"),
        ("TAIC", r"transport\s+accident\s+investigation\s+commission|\bTAIC\b"),
    )
)

# Report numbers: "N°2019-080R", "IGAS N°2019-080R", "IGA N°19-063", "GAO-07-791",
# "RO-2021-010", "ANSSI-BP-028".
REPORT_NUMBER = re.compile(
    r"""(?:
        (?P<fr>(?:\b(?:IGAS|IGA|IGJ|IGF|IGESR|IGEDD|CGEDD|CGAAER)\s+)?  # optional body prefix
          (?<![A-Za-z])n\s?[°º]\s?\d{2,4}[-/]\d{2,4}[A-Z]{0,2}\b)          # N°2019-080R, N° 19-063
      | \b(?P<gao>GAO-\d{2}-\d{2,4}[A-Z]{0,2})                          # GAO-07-791, GAO-08-587T
      | \b(?P<code>(?:RO|AO|MO|A\d\d[A-Z]|ANSSI-[A-Z]{2})-?\d{2,4}(?:-\d{2,4})?)\b  # RO-2021-010
    )""",
    re.VERBOSE | re.IGNORECASE,
)

MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan.": 1, "feb.": 2, "aug.": 8, "sept.": 9, "oct.": 10, "nov.": 11, "dec.": 12,
}

# "Décembre 2019", "December 2019", "juillet 2007", "Sept. 2006", "1er avril 2019".
MONTH_YEAR = re.compile(
    r"""\b(?P<month>janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre
        |octobre|novembre|d[ée]cembre                  # French months
        |january|february|march|april|may|june|july|august|september|october|november
        |december|jan\.|feb\.|aug\.|sept\.|oct\.|nov\.|dec\.)   # English months
    \s+(?:\d{1,2},?\s+)?                               # optional day ("July 16, 2007")
    (?P<year>(?:19|20)\d\d)\b                          # four-digit year
    """,
    re.VERBOSE | re.IGNORECASE,
)

# Numeric cover dates: "22/02/2019".
NUMERIC_DATE = re.compile(r"\b\d{1,2}/(?P<month>\d{1,2})/(?P<year>(?:19|20)\d\d)\b")


def roman_value(s: str) -> int | None:
    """The value of a roman numeral, or None when `s` is not a well-formed one."""
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    s = s.upper()
    if not s or any(c not in values for c in s):
        return None
    total = 0
    for i, c in enumerate(s):
        v = values[c]
        total += -v if i + 1 < len(s) and values[s[i + 1]] > v else v
    return total if _to_roman(total) == s else None


def _to_roman(n: int) -> str:
    out = ""
    for v, r in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"),
                 (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out += r
            n -= v
    return out
