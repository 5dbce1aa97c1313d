"""CSV in and out, for files people open in spreadsheets and files people send us.

Writing: a cell that starts with =, +, -, @, a tab or a carriage return is a formula to a
spreadsheet (`=HYPERLINK(...)` leaks data, `=cmd|...` runs a program), so it gets a
leading apostrophe (OWASP's "CSV injection" rule). Numbers stay numbers: -12 or 3,5
are written as they are.

Reading: what people have. UTF-8 with or without a BOM, UTF-16 with a BOM, or the
Windows encoding (cp1252) French spreadsheets save by default; the separator is sniffed
on the header line only (text fields may hold any number of ';' or ','); fields of any
size. A cell we neutralised on export reads back without its apostrophe.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)(?:[eE][+-]?\d+)?")
SEPARATORS = (",", ";", "\t")


def neutralise(value: Any) -> Any:
    """The cell as a spreadsheet may open it: a leading apostrophe before a formula start."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def restore(value: str) -> str:
    """Undo `neutralise` on a cell read back."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START) and not _NUMBER.fullmatch(value[1:]):
        return value[1:]
    return value


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[Any]],
              excel: bool = False, lineterminator: str = "\r\n") -> int:
    """Write a CSV (UTF-8; `excel`: BOM and ';'), every cell neutralised; returns the row count."""
    encoding = "utf-8-sig" if excel else "utf-8"
    n = 0
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh, delimiter=";" if excel else ",", lineterminator=lineterminator)
        writer.writerow(header)
        for row in rows:
            writer.writerow([neutralise(v) for v in row])
            n += 1
    return n


class CsvReadError(ValueError):
    """The file cannot be read as text (message says why)."""


@dataclass(frozen=True)
class CsvText:
    text: str
    encoding: str
    delimiter: str


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for the encodings spreadsheets save."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise CsvReadError(f"starts with a {enc} mark but is not valid {enc} ({exc.reason} "
                                   f"at byte {exc.start})") from None
    if b"\x00" in data[:4096]:
        raise CsvReadError("binary data or UTF-16 without a byte-order mark; save it as CSV UTF-8")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(header_line: str) -> str:
    """The separator of the header line: the one of , ; tab that splits it most."""
    counts = {sep: len(next(csv.reader([header_line], delimiter=sep), [])) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] > 1 else ","


def read_csv_text(path: str | Path) -> CsvText:
    """The file's text, encoding and separator; OSError when it cannot be opened."""
    data = Path(path).read_bytes()
    text, encoding = decode(data)
    first = text.split("\n", 1)[0].rstrip("\r")
    return CsvText(text, encoding, sniff_delimiter(first))


def read_rows(source: CsvText) -> Iterator[tuple[int, list[str]]]:
    """(line number where the row starts, cells restored) for every row, header first."""
    _allow_large_fields()
    reader = csv.reader(io.StringIO(source.text, newline=""), delimiter=source.delimiter)
    start = 1
    for cells in reader:
        yield start, [restore(c) for c in cells]
        start = reader.line_num + 1


def _allow_large_fields() -> None:
    """The csv module refuses fields over 128 KB by default; evidence can be longer."""
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 10

