"""Signs that a PDF file is damaged, read from its bytes.

PDF readers repair quietly: pdfium rebuilds a broken cross-reference table by scanning
for objects, and skips a content stream it cannot inflate. The text then read can differ
from the report (a GAO testimony with one flipped byte came out with 1 section of 13; a
damaged stream cost GAO-07-791 its 7 recommendations), so ingest says so instead of
storing it as "ok". Three signals, each cheap (one pass, no parsing of objects):
- the `startxref` offset does not point at a cross-reference table or stream;
- the entries of the last classic cross-reference table do not point at their objects;
- a Flate-compressed stream does not inflate to its end (zlib's checksum catches a
  single flipped byte), or the file does not end with %%EOF.
Encrypted files are not checked stream by stream (their streams are ciphertext).
"""
from __future__ import annotations

import re
import zlib

_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_XREF_AT = re.compile(rb"\s*(?:xref\b|\d+\s+\d+\s+obj\b)")
_SUBSECTION = re.compile(rb"(\d+)\s+(\d+)[ \t]*\r?\n")
_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_OBJ_AT = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")
_STREAM = re.compile(rb">>\s*stream\r?\n")
_TRAILER_ENCRYPT = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")
_CHUNK = 1 << 20  # inflated bytes held at once: a decompression bomb costs time, not memory


def inspect_file(path: str) -> list[str]:
    """Reasons (in English, one each) to think the reader had to repair `path`; [] if none."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return []
    return inspect_bytes(data)


def inspect_bytes(data: bytes) -> list[str]:
    reasons = []
    if b"%%EOF" not in data[-2048:]:
        reasons.append("the file is cut short (no %%EOF at its end)")
    reasons += _xref_problems(data)
    if not has_encrypt_entry(data):
        bad = _bad_streams(data)
        if bad:
            reasons.append(f"{bad} compressed stream(s) cannot be read whole (content lost)")
    return reasons


def has_encrypt_entry(data: bytes) -> bool:
    """True when a trailer (or cross-reference stream) declares /Encrypt."""
    for m in _TRAILER_ENCRYPT.finditer(data):
        before = data[max(0, m.start() - 2048):m.start()]
        last_obj = before.rfind(b" obj")
        if before.rfind(b"trailer") > last_obj or b"/XRef" in data[m.start() - 512:m.end() + 512]:
            return True
    return False


def _xref_problems(data: bytes) -> list[str]:
    found = list(_STARTXREF.finditer(data[-4096:]))
    if not found:
        return ["the cross-reference table is damaged (no startxref)"]
    offset = int(found[-1][1])
    if offset >= len(data) or not _XREF_AT.match(data, offset):
        return [f"the cross-reference table is damaged (startxref points at byte {offset}, "
                "where there is none)"]
    head = data[offset:offset + 64]
    at = offset + len(head) - len(head.lstrip())
    if not data.startswith(b"xref", at):
        if not re.search(rb"/Type\s*/XRef", data[at:at + 1024].split(b"stream", 1)[0]):
            return [f"the cross-reference table is damaged (startxref points at byte {offset}, "
                    "an object that is not one)"]
        return []  # a cross-reference stream: its stream is checked with the others
    wrong = _wrong_entries(data, at + 4)
    if wrong:
        which = "1 entry does not point at its object" if wrong == 1 else \
            f"{wrong} entries do not point at their objects"
        return [f"the cross-reference table is damaged ({which})"]
    return []


def _wrong_entries(data: bytes, pos: int) -> int:
    """In-use entries of the classic table at `pos` that miss their object (or are unreadable)."""
    wrong = 0
    while True:
        while pos < len(data) and data[pos:pos + 1] in b" \t\r\n":
            pos += 1
        sub = _SUBSECTION.match(data, pos)
        if not sub:
            return wrong
        first, count = int(sub[1]), int(sub[2])
        pos = sub.end()
        for k in range(count):
            entry = _ENTRY.match(data, pos)
            if not entry:
                return wrong + count - k
            pos = entry.end()
            while pos < len(data) and data[pos:pos + 1] in b" \r\n":
                pos += 1
            if entry[3] != b"n" or int(entry[1]) == 0:
                continue
            obj = _OBJ_AT.match(data, int(entry[1]))
            if not obj or int(obj[1]) != first + k:
                wrong += 1


def _bad_streams(data: bytes) -> int:
    """Flate streams that raise a zlib error or stop before their end."""
    bad = 0
    for m in _STREAM.finditer(data):
        head = data[max(0, m.start() - 1024):m.start()]
        head = head[head.rfind(b"<<"):] if b"<<" in head else head
        dict_start = data.rfind(b"obj", max(0, m.start() - 4096), m.start())
        if b"/FlateDecode" not in data[dict_start:m.start()] and b"/FlateDecode" not in head:
            continue
        if re.search(rb"/Filter\s*\[\s*/\w+\s*/", data[dict_start:m.start()]) and \
                not re.search(rb"/Filter\s*\[\s*/FlateDecode", data[dict_start:m.start()]):
            continue  # Flate applied after another filter: the first one's data is not zlib
        end = data.find(b"endstream", m.end())
        if end < 0:
            bad += 1
            continue
        if not _inflates(data[m.end():end]):
            bad += 1
    return bad


def _inflates(raw: bytes) -> bool:
    d = zlib.decompressobj()
    try:
        d.decompress(raw, _CHUNK)
        while d.unconsumed_tail and not d.eof:
            d.decompress(d.unconsumed_tail, _CHUNK)
    except zlib.error:
        return False
    return d.eof
