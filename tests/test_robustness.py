"""Bad input never crashes a batch: one clear line per file, the others are ingested,
exit code 1, nothing partial in the database."""
from __future__ import annotations

import multiprocessing
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fpdf import FPDF

from tests.fixtures.bad_inputs import bad_inputs
from tests.paths import REAL as REAL_CORPUS

ROOT = Path(__file__).resolve().parent.parent
REAL = REAL_CORPUS
TSB = REAL / "tsb-ca-a11f0012-aviation-2012.pdf"

# kind -> the reason its failure line must give
EXPECTED = {
    "truncated": "not a readable PDF, damaged or truncated",
    "corrupted": "not a readable PDF, damaged or truncated",
    "encrypted": "encrypted PDF, a password is needed",
    "zero-pages": "the PDF has no pages",
    "not-a-pdf": "not a PDF",
    "text-file": "not a PDF",
    "image-only": "no text layer (image-only PDF",
    "empty": "empty file (0 bytes), not a PDF",
}


def suivi(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the `suivi` CLI in a fresh interpreter (as a user would)."""
    return subprocess.run([sys.executable, "-c", "from pipeline.cli import main; main()", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def text_pdf(path: Path, pages: int = 2, text: str = "Rapport", **page_format) -> Path:
    pdf = FPDF(**page_format)
    pdf.set_font("Helvetica", size=11)
    for n in range(pages):
        pdf.add_page()
        for i in range(12):
            pdf.cell(0, 8, f"{text} page {n + 1}, ligne {i + 1} : la mission recommande.", new_x="LMARGIN",
                     new_y="NEXT")
    pdf.output(str(path))
    return path


def pages_per_report(db_path: Path) -> dict[str, tuple[int, int]]:
    """report id -> (reports.page_count, rows in pages)."""
    conn = sqlite3.connect(db_path)
    try:
        return {rid: (n, got) for rid, n, got in conn.execute(
            "SELECT r.id, r.page_count, (SELECT count(*) FROM pages p WHERE p.report_id = r.id) FROM reports r")}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad")
    files = bad_inputs(d)
    (d / "folder-named.pdf").mkdir()
    good = [text_pdf(d / "bon-rapport-a.pdf", 3), text_pdf(d / "bon-rapport-b.pdf", 2, "Synthèse")]
    db = d / "reports.db"
    proc = suivi("ingest", str(d), str(d / "folder-named.pdf"), "--db", str(db), "--jobs", "2", "-q")
    return d, files, good, db, proc


def test_bad_inputs_give_one_clear_line_each_and_exit_1(bad_batch):
    d, files, good, db, proc = bad_batch
    assert proc.returncode == 1, proc.stderr
    failed = [ln for ln in proc.stderr.splitlines() if ln.startswith("failed: ")]
    assert "Traceback" not in proc.stderr
    for kind, reason in EXPECTED.items():
        lines = [ln for ln in failed if f"{files[kind].name}:" in ln]
        assert len(lines) == 1, (kind, failed)
        assert reason in lines[0], (kind, lines[0])
    assert any("folder-named.pdf: is a directory, not a PDF file" in ln for ln in failed)
    # the encrypted file whose user password is empty opens; the good files go in too
    assert len(failed) == len(EXPECTED) + 1
    assert "ingested 3," in proc.stderr


def test_bad_inputs_leave_nothing_partial(bad_batch):
    d, files, good, db, proc = bad_batch
    reports = pages_per_report(db)
    assert reports == {"bon-rapport-a": (3, 3), "bon-rapport-b": (2, 2), "encrypted-empty-password": (1, 1)}
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        failures = dict(conn.execute("SELECT file_name, reason FROM failures"))
        for table in ("sections", "recommendations", "footnotes", "report_tables"):
            orphans = conn.execute(f"SELECT count(*) FROM [{table}] WHERE report_id NOT IN "
                                   "(SELECT id FROM reports)").fetchone()[0]
            assert orphans == 0, table
    finally:
        conn.close()
    assert set(failures) == {p.name for k, p in files.items() if k in EXPECTED}
    assert "encrypted PDF" in failures["encrypted.pdf"]


def test_reingest_skips_good_files_and_reports_bad_ones_again(bad_batch):
    d, files, good, db, proc = bad_batch
    again = suivi("ingest", str(d), "--db", str(db), "-q")
    assert again.returncode == 1
    assert "ingested 0, skipped 3 unchanged" in again.stderr


@pytest.mark.skipif(not TSB.exists(), reason=f"the real sample corpus is not at {REAL_CORPUS}")
def test_owner_password_rc4_pdf_is_ingested(tmp_path):
    from pipeline.ingest import ingest

    result = ingest([str(TSB)], str(tmp_path / "r.db"))
    assert result.failed == []
    assert pages_per_report(tmp_path / "r.db") == {TSB.stem: (20, 20)}


def test_huge_single_page_is_read(tmp_path):
    from pipeline.ingest import ingest

    big = text_pdf(tmp_path / "affiche.pdf", 1, "Affiche", unit="pt", format=(14400, 14400))
    result = ingest([str(big)], str(tmp_path / "r.db"))
    assert result.failed == []
    conn = sqlite3.connect(tmp_path / "r.db")
    text = conn.execute("SELECT text FROM pages WHERE report_id = 'affiche'").fetchone()[0]
    conn.close()
    assert "Affiche page 1, ligne 12 : la mission recommande." in text


def many_pages(path: Path, pages: int) -> Path:
    import pypdfium2 as pdfium

    src_path = text_pdf(path.with_suffix(".src.pdf"), 1, "Page longue")
    src = pdfium.PdfDocument(str(src_path))
    dest = pdfium.PdfDocument.new()
    while len(dest) < pages:
        dest.import_pages(src, [0], index=len(dest))
    dest.save(str(path))
    dest.close()
    src.close()
    src_path.unlink()
    return path


def test_time_limit_stops_one_file_and_the_batch_goes_on(tmp_path):
    from pipeline.ingest import ingest

    long = many_pages(tmp_path / "tres-long.pdf", 2000)
    short = text_pdf(tmp_path / "court.pdf", 1)
    result = ingest([str(tmp_path)], str(tmp_path / "r.db"), jobs=1, timeout=2)
    assert [Path(p).name for p in result.ingested] == ["court.pdf"]
    assert result.failed == [(str(long), f"{long}: stopped after 2 s (time limit; raise it with --timeout)")]
    assert pages_per_report(tmp_path / "r.db") == {"court": (1, 1)}


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(not Path("/proc/self/statm").exists() or "fork" not in multiprocessing.get_all_start_methods(),
                    reason="the memory guard reads /proc; the test patches the worker through fork")
def test_memory_limit_stops_one_file_and_the_batch_goes_on(tmp_path, monkeypatch):
    import pipeline.ingest as ingest_mod

    real_rows_for = ingest_mod.rows_for

    def greedy_rows_for(candidate, *args, **kwargs):
        if "gourmand" in candidate.file_name:  # a runaway file: memory grows without end
            hog = []
            for _ in range(80):
                hog.append(bytearray(50 * 2**20))
                time.sleep(0.05)
        return real_rows_for(candidate, *args, **kwargs)

    monkeypatch.setattr(ingest_mod, "rows_for", greedy_rows_for)
    monkeypatch.setattr(ingest_mod, "_nlp", lambda: None)  # keep the well-behaved worker small
    text_pdf(tmp_path / "gourmand.pdf", 1)
    text_pdf(tmp_path / "sobre.pdf", 1)
    limit = int(_rss_mb()) + 400
    result = ingest_mod.ingest([str(tmp_path)], str(tmp_path / "r.db"), jobs=2, max_memory_mb=limit)
    assert [Path(p).name for p in result.ingested] == ["sobre.pdf"]
    ((path, why),) = result.failed
    assert Path(path).name == "gourmand.pdf"
    assert why.endswith(f"MB of memory (limit {limit} MB; raise it with --max-memory)")
    assert pages_per_report(tmp_path / "r.db") == {"sobre": (1, 1)}


@pytest.mark.slow
def test_two_thousand_page_file_is_ingested(tmp_path):
    from pipeline.ingest import ingest

    long = many_pages(tmp_path / "deux-mille.pdf", 2000)
    result = ingest([str(long)], str(tmp_path / "r.db"), timeout=1800, max_memory_mb=4096)
    assert result.failed == []
    assert pages_per_report(tmp_path / "r.db") == {"deux-mille": (2000, 2000)}


def test_ocr_without_tools_says_what_to_install(tmp_path, monkeypatch):
    import pipeline.ocr as ocr

    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    with pytest.raises(ocr.OCRUnavailable, match="apt-get install ocrmypdf tesseract-ocr-fra"):
        ocr.check_ocr()


def test_ocr_reads_an_image_only_pdf(tmp_path):
    from pipeline.ocr import ocr_available

    missing = ocr_available()
    if missing:
        pytest.skip(f"OCR tools not installed ({missing}); apt-get install ocrmypdf tesseract-ocr-fra")
    from pipeline.ingest import ingest

    files = bad_inputs(tmp_path / "in")
    scan = files["image-only"]
    without = ingest([str(scan)], str(tmp_path / "a.db"))
    assert "re-run with --ocr" in without.failed[0][1]
    result = ingest([str(scan)], str(tmp_path / "b.db"), ocr=True, timeout=600)
    assert result.failed == []
    conn = sqlite3.connect(tmp_path / "b.db")
    text, backend = conn.execute("SELECT p.text, r.backend FROM pages p JOIN reports r ON r.id = p.report_id").fetchone()
    conn.close()
    assert backend == "pdfium+ocr"
    assert "Recommandation" in text
