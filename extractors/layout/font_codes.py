"""Characters for the codes of a font that has no usable ToUnicode map.

Readers fall back to the raw codes for such a font: the Cour des comptes du Sénégal 2017
report (Arial as an Identity-H CID font, no ToUnicode) reads "/D&RXU" for "La Cour",
with spaces and digits as control characters, and pdfminer writes "(cid:47)". The
embedded font program still says what each glyph is, in this order of trust:

1. its glyph names, through the Adobe Glyph List ("eacute", "uni00E9", "f_i");
2. its outlines, recognised against a metric-compatible reference font of the same
   advance width (`glyph_shapes`). TrueType fonts converted to CID keep their glyph ids,
   and most TrueType fonts begin with the standard Macintosh glyph order: when the
   glyphs recognised with certainty mostly agree with that order, it settles the
   doubtful ones (Arial's "1" and "Q" differ from Liberation's), never a clear one.

A glyph that neither reads is left unknown (U+FFFD): the page is then reported as
unreliable, never filled with guessed text.
"""
from __future__ import annotations

import bisect
import functools
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import Iterable

from extractors.layout.backend import BOLD_NAME, ITALIC_NAME
from models.document import TextIssue

UNKNOWN = "\ufffd"
_NAMELESS = re.compile(r"^(?:\.notdef|\.null|(?:cid|glyph|gid|g|index|afii)?\d+|c\d+)$", re.I)
_SERIF = re.compile(r"times|roman|serif|garamond|georgia|cambria|century|book|minion|palatino", re.I)
_MONO = re.compile(r"courier|mono|consol", re.I)
# Characters a reference glyph may stand for: Latin letters and punctuation, ligatures,
# and the bullets, arrows and check marks reports use (no Greek or Cyrillic look-alikes).
_REPERTOIRE = re.compile(
    "[\u0020-\u007e\u00a0-\u017f\u2010-\u2044\u20ac\u2122\ufb00-\ufb04"
    "\u2190-\u21ff\u2212\u25a0-\u25ff\u2600-\u26ff\u2700-\u27bf]")
MATCH_LIMIT = 70.0  # cells (192 + half of 384) plus box difference: above, the glyph is unknown
SYMBOL_LIMIT = 35.0  # the same, for a symbol matched without the width test
ORDER_MARGIN = 40.0  # how much worse a shape the glyph order may still settle
NEAR_PERFECT = 15.0  # a shape this close is read as it is, whatever the glyph order says


@dataclass(frozen=True)
class FontCodes:
    """What the codes of one font read as."""

    chars: dict[int, str]  # code -> character ("\ufffd" when unknown)
    method: str  # "glyph names", "outlines" or "" (nothing read)

    @property
    def unknown(self) -> int:
        return sum(1 for c in self.chars.values() if c == UNKNOWN)


WHOLE_FONT = 600  # a subset this small is read whole, so the glyph order is judged on all of it


METHOD_FR = {"glyph names": "les noms de glyphes", "outlines": "la forme des glyphes",
             "glyph names and outlines": "les noms et la forme des glyphes"}


def decode_codes(table: dict[int, str], indices, codes, out: list[str], font_name: str, page: int,
                 method: str) -> list[TextIssue]:
    """Write each code's character (U+FFFD where the table has none) at its index in `out`,
    and say what was done: both backends report a repaired font the same way."""
    unknown = 0
    for i, code in zip(indices, codes):
        out[i] = table.get(code, UNKNOWN)
        unknown += out[i] == UNKNOWN
    issues = [TextIssue("font_remapped", page, f"police {font_name} sans table ToUnicode : "
                        f"{len(indices)} caractères lus par {method}", len(indices))]
    if unknown:
        issues.append(TextIssue("unreliable_text", page, f"police {font_name} : {unknown} glyphes "
                                "illisibles (remplacés par U+FFFD)", unknown))
    return issues


def read_font_codes(data: bytes, font_name: str, codes: Iterable[int]) -> FontCodes:
    """Read `codes` (CIDs of an Identity font, or glyph codes) through the font program.

    A small (subset) program is read whole, whatever `codes` asks: the Macintosh order
    is judged on every glyph, and the next pages find their codes already read.
    """
    codes = set(codes)
    program = _Program.load(data)
    if program is None:
        return FontCodes({c: UNKNOWN for c in codes}, "")
    if len(program.names) <= WHOLE_FONT:
        codes |= set(program.names)
    codes = sorted(codes)
    chars: dict[int, str] = {}
    for code in codes:
        name = program.name(code)
        text = _from_name(name) if name else None
        if text is not None:
            chars[code] = text
    method = "glyph names" if chars else ""
    rest = [c for c in codes if c not in chars]
    if rest:
        recognised = _by_outline(program, font_name, rest)
        if any(v != UNKNOWN for v in recognised.values()):
            method = "outlines" if not chars else "glyph names and outlines"
        chars.update(recognised)
    return FontCodes(chars, method)


def _from_name(name: str) -> str | None:
    """The text of a glyph name (Adobe Glyph List), None for a name that says nothing."""
    from fontTools.agl import toUnicode

    if _NAMELESS.match(name):
        return None
    text = toUnicode(name)
    if not text:
        return None
    return _LIGATURES.get(text, text) if len(text) > 1 else text


_LIGATURES = {"ff": "\ufb00", "fi": "\ufb01", "fl": "\ufb02", "ffi": "\ufb03", "ffl": "\ufb04"}


class _Program:
    """A font program (bare CFF, TrueType or OpenType) seen as code -> glyph."""

    def __init__(self, glyphset, names: dict[int, str], widths: dict[str, float], upm: float,
                 truetype_order: bool) -> None:
        self.glyphset, self.names, self.widths, self.upm = glyphset, names, widths, upm
        self.truetype_order = truetype_order  # codes are glyph ids of a TrueType original

    @classmethod
    def load(cls, data: bytes) -> "_Program | None":
        try:
            return cls._cff(data) if data[:1] == b"\x01" else cls._sfnt(data)
        except Exception:  # a damaged or unknown program reads as nothing
            return None

    @classmethod
    def _cff(cls, data: bytes) -> "_Program":
        from fontTools.cffLib import CFFFontSet

        cff = CFFFontSet()
        cff.decompile(io.BytesIO(data), None)
        top = cff[cff.fontNames[0]]
        strings = top.CharStrings
        names: dict[int, str] = {}
        if hasattr(top, "ROS"):  # CID-keyed: glyph names are "cidNNNNN", the code is the CID
            for name in strings.keys():
                if name.startswith("cid") and name[3:].isdigit():
                    names[int(name[3:])] = name
        else:
            encoding = getattr(top, "Encoding", None)
            if isinstance(encoding, list):
                names = {code: n for code, n in enumerate(encoding) if n and n != ".notdef"}
        widths = {}
        for name in names.values():
            if name in strings:
                strings[name].decompile()
                strings[name].draw(_NullPen())
                widths[name] = float(strings[name].width)
        return cls(strings, names, widths, 1000.0, truetype_order=hasattr(top, "ROS"))

    @classmethod
    def _sfnt(cls, data: bytes) -> "_Program":
        from fontTools.ttLib import TTFont

        font = TTFont(io.BytesIO(data), lazy=True)
        order = font.getGlyphOrder()
        upm = float(font["head"].unitsPerEm)
        names = dict(enumerate(order))
        hmtx = font["hmtx"]
        widths = {n: hmtx[n][0] * 1000.0 / upm for n in order}
        return cls(font.getGlyphSet(), names, widths, upm, truetype_order=True)

    def name(self, code: int) -> str | None:
        return self.names.get(code)


class _NullPen:
    """Draws nothing: drawing a CFF charstring once works out its width."""

    def moveTo(self, pt): pass
    def lineTo(self, pt): pass
    def curveTo(self, *pts): pass
    def qCurveTo(self, *pts): pass
    def closePath(self): pass
    def endPath(self): pass
    def addComponent(self, name, transform): pass


def _by_outline(program: _Program, font_name: str, codes: list[int]) -> dict[int, str]:
    """Recognise each code's glyph by its outline; UNKNOWN where nothing is close."""
    from fontTools.ttLib.standardGlyphOrder import standardGlyphOrder

    from extractors.layout.glyph_shapes import distance, shape_of

    text_ref = _reference(_reference_family(font_name), bool(BOLD_NAME.search(font_name)),
                          bool(ITALIC_NAME.search(font_name)))
    symbol_ref = _reference("DejaVu Sans", False, False)
    shapes = {}
    for code in codes:
        name = program.name(code)
        if name is None or name not in program.glyphset:
            shapes[code] = ("missing", None, 0.0)
            continue
        width = program.widths.get(name, 0.0)
        shapes[code] = ("ok", shape_of(program.glyphset[name], program.glyphset, program.upm, width), width)
    ranked = {code: _ranked(text_ref, shape, width) for code, (state, shape, width) in shapes.items()
              if state == "ok"}
    # Does the font follow the Macintosh glyph order? Its clearly recognised glyphs say.
    mac = {code: _from_name(standardGlyphOrder[code]) for code in codes
           if program.truetype_order and 0 <= code < len(standardGlyphOrder)}
    votes = [ranked[c][0][1] == mac[c] for c in ranked
             if ranked[c] and mac.get(c) and any(ch == mac[c] for _, ch in ranked[c])]
    use_mac = len(votes) >= 8 and sum(votes) >= 0.8 * len(votes)
    # A font may leave the order part-way (Arial from glyph 172 on): the order is trusted
    # for a code only when the nearest certain readings around it follow it too.
    certain = sorted(c for c in ranked if ranked[c] and ranked[c][0][0] <= NEAR_PERFECT and mac.get(c))
    follows = {c: ranked[c][0][1] == mac[c] for c in certain}

    def order_holds(code: int) -> bool:
        i = bisect.bisect_left(certain, code)
        around = [certain[j] for j in (i - 1, i + (1 if i < len(certain) and certain[i] == code else 0))
                  if 0 <= j < len(certain) and certain[j] != code]
        return bool(around) and all(follows[c] for c in around)
    out: dict[int, str] = {}
    for code, (state, shape, width) in shapes.items():
        if state != "ok":
            out[code] = UNKNOWN
            continue
        if shape is None:  # a blank glyph: a space
            out[code] = " "
            continue
        options = ranked[code]
        if options and use_mac and mac.get(code) and order_holds(code):
            best, char = options[0]
            at_mac = next((d for d, c in options if c == mac[code]), None)
            # The order breaks a doubtful reading ("1" read as "4", "Q" as "O": Arial and
            # Liberation Sans draw them differently), never a near-perfect one ("ﬂ", where
            # Arial leaves the Macintosh order).
            if at_mac is not None and best > NEAR_PERFECT and at_mac <= best + ORDER_MARGIN:
                char, best = mac[code], at_mac
            if char == mac[code] or best <= MATCH_LIMIT:
                out[code] = char
                continue
        elif options and (options[0][0] <= MATCH_LIMIT
                          or (options[0][1] == mac.get(code) and options[0][0] <= 2 * MATCH_LIMIT)):
            out[code] = options[0][1]  # (a looser match when the glyph order says the same)
            continue
        symbols = _ranked(symbol_ref, shape, None)
        out[code] = symbols[0][1] if symbols and symbols[0][0] <= SYMBOL_LIMIT else UNKNOWN
    return out


def _ranked(reference: "_Reference | None", shape, width: float | None) -> list[tuple[float, str]]:
    """(distance, character) of the reference glyphs of the same advance width, best first."""
    from extractors.layout.glyph_shapes import distance

    if reference is None:
        return []
    found = [(distance(reference.shape(name), shape), char) for name, char in reference.candidates(width)]
    found.sort()
    return found


def _reference_family(font_name: str) -> str:
    if _MONO.search(font_name):
        return "Liberation Mono"
    if _SERIF.search(font_name):
        return "Liberation Serif"
    return "Liberation Sans"


class _Reference:
    """An installed font the outlines are compared with, its shapes computed on demand."""

    def __init__(self, path: str) -> None:
        from fontTools.ttLib import TTFont

        self.font = TTFont(path, lazy=True)
        self.glyphset = self.font.getGlyphSet()
        self.upm = float(self.font["head"].unitsPerEm)
        hmtx = self.font["hmtx"]
        chars: dict[str, str] = {}
        for code, name in sorted(self.font.getBestCmap().items()):
            char = chr(code)
            if _REPERTOIRE.fullmatch(char) and name not in chars:
                chars[name] = char
        self.chars = chars
        self.by_width: dict[int, list[str]] = {}
        for name in chars:
            self.by_width.setdefault(round(hmtx[name][0] * 1000.0 / self.upm), []).append(name)
        self._shapes: dict[str, object] = {}

    def candidates(self, width: float | None) -> list[tuple[str, str]]:
        if width is None:
            return list(self.chars.items())
        w = round(width)
        return [(n, self.chars[n]) for d in (-2, -1, 0, 1, 2) for n in self.by_width.get(w + d, ())]

    def shape(self, name: str):
        if name not in self._shapes:
            from extractors.layout.glyph_shapes import shape_of

            advance = self.font["hmtx"][name][0] * 1000.0 / self.upm
            self._shapes[name] = shape_of(self.glyphset[name], self.glyphset, self.upm, advance)
        return self._shapes[name]


@functools.lru_cache(maxsize=16)
def _reference(family: str, bold: bool, italic: bool) -> _Reference | None:
    """The installed font file for a family and style (fontconfig), None when missing."""
    path = _font_file(family, bold, italic)
    if path is None:
        return None
    try:
        return _Reference(path)
    except Exception:
        return None


def _font_file(family: str, bold: bool, italic: bool) -> str | None:
    if shutil.which("fc-match") is None:
        return None
    pattern = family + (":bold" if bold else "") + (":italic" if italic else "")
    try:
        out = subprocess.run(["fc-match", "-f", "%{family}\n%{file}", pattern],
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = out.stdout.splitlines()
    if len(lines) < 2 or family.lower() not in lines[0].lower():
        return None  # fontconfig substituted another family: its metrics would not match
    return lines[1] if lines[1].endswith((".ttf", ".otf")) else None
