"""The damage signals read from a PDF's bytes: found on damaged copies, never on the
real reports as published."""
from __future__ import annotations

import random

import pytest

from extractors.pdf_damage import has_encrypt_entry, inspect_bytes
from tests.paths import REAL, SHARED
from tests.test_faults import stream

GAO = REAL / "gao-08-587t-testimony-gao-act-2008.pdf"
PUBLISHED = sorted([*REAL.glob("*.pdf"), *(SHARED / "corpus" / "real-fr").glob("*.pdf"),
                    *(SHARED / "corpus" / "real-fr-heldout").glob("*.pdf")])


@pytest.mark.parametrize("path", PUBLISHED, ids=lambda p: p.name[:40])
def test_published_reports_show_no_damage(path):
    assert inspect_bytes(path.read_bytes()) == []


def test_a_damaged_compressed_stream_is_found():
    data = GAO.read_bytes()
    rng = random.Random(3)
    damaged = stream(data, rng)
    assert damaged != data
    assert any("compressed stream(s) cannot be read whole" in r for r in inspect_bytes(damaged))


def test_a_wrong_startxref_is_found():
    data = GAO.read_bytes()
    at = data.rindex(b"startxref")
    end = data.index(b"%%EOF", at)
    bad = data[:at] + b"startxref\n999999999\n" + data[end:]
    assert inspect_bytes(bad) == ["the cross-reference table is damaged (startxref points at byte "
                                  "999999999, where there is none)"]


def test_a_shifted_xref_entry_is_found():
    data = GAO.read_bytes()
    xref = data.rindex(b"\nxref")
    entry = data.index(b" 00000 n", xref) - 10
    digits = data[entry:entry + 10]
    bad = data[:entry] + b"%010d" % (int(digits) + 7) + data[entry + 10:]
    assert inspect_bytes(bad) == ["the cross-reference table is damaged (1 entry does not point at "
                                  "its object)"]


def test_a_cut_file_is_found():
    data = GAO.read_bytes()
    assert "the file is cut short (no %%EOF at its end)" in inspect_bytes(data[:len(data) // 2])


def test_encrypt_counts_only_in_a_trailer():
    assert has_encrypt_entry(b"trailer\n<< /Size 5 /Encrypt 4 0 R >>\nstartxref\n0\n%%EOF")
    assert not has_encrypt_entry(b"1 0 obj\n(/Encrypt 4 0 R is text here)\nendobj\n")
