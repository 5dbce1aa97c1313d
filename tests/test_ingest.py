"""Ingest at corpus scale: incremental, parallel, atomic under SIGKILL, readable while it writes."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fpdf import FPDF

import pipeline.ingest as ingest_mod
from pipeline.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def no_spacy(monkeypatch):
    """The text PDFs here have no owners to parse: skip loading spaCy in every worker."""
    monkeypatch.setattr(ingest_mod, "_nlp", lambda: None)


def report_pdf(path: Path, pages: int, words: str = "La mission recommande") -> Path:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for n in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 10, f"{n + 1}. Partie {n + 1}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        for i in range(20):
            pdf.cell(0, 7, f"{words} ({path.stem}, page {n + 1}, ligne {i + 1}).", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def batch(folder: Path, count: int, pages=lambda i: 2 + i % 4) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [report_pdf(folder / f"rapport-{i:02d}.pdf", pages(i)) for i in range(count)]


def whole_reports(conn: sqlite3.Connection) -> list[tuple[str, int, int]]:
    """(id, page_count, pages rows) for every report, read in one transaction."""
    conn.execute("BEGIN")
    try:
        return conn.execute("SELECT r.id, r.page_count, (SELECT count(*) FROM pages p WHERE p.report_id = r.id) "
                            "FROM reports r ORDER BY r.id").fetchall()
    finally:
        conn.execute("COMMIT")


def table_dump(db_path: Path) -> dict[str, list]:
    conn = sqlite3.connect(db_path)
    try:
        out = {}
        for table in ("reports", "pages", "sections", "recommendations", "footnotes", "report_tables"):
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])") if r[1] != "ingested_at"]
            out[table] = conn.execute(f"SELECT {', '.join(f'[{c}]' for c in cols)} FROM [{table}] ORDER BY id").fetchall()
        return out
    finally:
        conn.close()


def test_parallel_ingest_writes_what_a_serial_one_does(tmp_path):
    files = batch(tmp_path / "in", 6)
    serial = ingest([str(tmp_path / "in")], str(tmp_path / "serial.db"))
    parallel = ingest([str(tmp_path / "in")], str(tmp_path / "parallel.db"), jobs=3, timeout=300)
    assert sorted(serial.ingested) == sorted(parallel.ingested) == sorted(str(f) for f in files)
    a, b = table_dump(tmp_path / "serial.db"), table_dump(tmp_path / "parallel.db")
    assert len(a["pages"]) == sum(2 + i % 4 for i in range(6))
    assert a == b


def test_unchanged_files_are_skipped_without_reading_them(tmp_path, monkeypatch):
    files = batch(tmp_path / "in", 3)
    db = str(tmp_path / "r.db")
    assert len(ingest([str(tmp_path / "in")], db).ingested) == 3

    def no_hashing(path):
        raise AssertionError(f"{path} was hashed although its size and mtime did not change")

    monkeypatch.setattr("extractors.layout.sha256_file", no_hashing)
    again = ingest([str(tmp_path / "in")], db)
    assert (again.ingested, len(again.skipped), again.failed) == ([], 3, [])

    # Same bytes, new mtime: hashed again, still skipped.
    monkeypatch.undo()
    monkeypatch.setattr(ingest_mod, "_nlp", lambda: None)
    os.utime(files[0], ns=(time.time_ns(), time.time_ns() + 10**9))
    touched = ingest([str(tmp_path / "in")], db)
    assert (touched.ingested, len(touched.skipped)) == ([], 3)


def test_a_changed_file_replaces_its_report(tmp_path):
    (f,) = batch(tmp_path / "in", 1, pages=lambda i: 4)
    db = tmp_path / "r.db"
    ingest([str(f)], str(db))
    report_pdf(f, 2, "Nouvelle version")
    result = ingest([str(f)], str(db))
    assert result.ingested == [str(f)]
    conn = sqlite3.connect(db)
    assert whole_reports(conn) == [("rapport-00", 2, 2)]
    assert "Nouvelle version" in conn.execute("SELECT text FROM pages WHERE page = 1").fetchone()[0]
    conn.close()


@pytest.mark.skipif(sys.platform != "linux", reason="uses fork to patch the worker")
def test_a_worker_killed_by_the_os_costs_one_file(tmp_path, monkeypatch):
    files = batch(tmp_path / "in", 4)
    real = ingest_mod.rows_for

    def dies_on_02(candidate, *args, **kwargs):
        if candidate.file_name == "rapport-02.pdf":
            os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
        return real(candidate, *args, **kwargs)

    monkeypatch.setattr(ingest_mod, "rows_for", dies_on_02)
    result = ingest([str(tmp_path / "in")], str(tmp_path / "r.db"), jobs=2, timeout=300)
    assert sorted(Path(p).name for p in result.ingested) == ["rapport-00.pdf", "rapport-01.pdf", "rapport-03.pdf"]
    ((path, why),) = result.failed
    assert path == str(files[2])
    assert why == f"{files[2]}: the worker reading this file died (killed by signal 9) (out of memory?); the other files go on"
    assert result.exit_code == 1


def suivi_ingest(folder: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from pipeline.cli import main; main()", "ingest", str(folder),
                             "--db", str(db), "-q"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def wait_for_reports(db: Path, proc: subprocess.Popen, at_least: int, limit: float = 300) -> int:
    end = time.monotonic() + limit
    while time.monotonic() < end and proc.poll() is None:
        if db.exists():
            try:
                conn = sqlite3.connect(db, timeout=5)
                n = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
                conn.close()
                if n >= at_least:
                    return n
            except sqlite3.OperationalError:  # schema not created yet
                pass
        time.sleep(0.05)
    return -1


@pytest.mark.slow
def test_sigkill_mid_batch_leaves_only_whole_reports(tmp_path):
    count = 25
    batch(tmp_path / "in", count, pages=lambda i: 8 + i % 5)
    db = tmp_path / "r.db"
    proc = suivi_ingest(tmp_path / "in", db)
    try:
        seen = wait_for_reports(db, proc, 2)
        assert seen > 0, f"ingest ended or stalled before writing: {proc.stderr.read().decode()[-500:]}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its workers, mid-batch
        proc.wait(30)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        reports = whole_reports(conn)
        assert 0 < len(reports) < count, "the kill came after the batch ended"
        assert all(pages == n == 8 + int(rid[-2:]) % 5 for rid, n, pages in reports), reports
        orphans = conn.execute("SELECT count(*) FROM pages WHERE report_id NOT IN (SELECT id FROM reports)").fetchone()
        assert orphans == (0,)
    finally:
        conn.close()
    # The next run finishes the batch.
    rerun = ingest([str(tmp_path / "in")], str(db))
    assert len(rerun.skipped) == len(reports) and len(rerun.ingested) == count - len(reports)


@pytest.mark.slow
def test_a_reader_sees_whole_reports_while_ingest_writes(tmp_path):
    count = 12
    batch(tmp_path / "in", count, pages=lambda i: 6 + i % 3)
    db = tmp_path / "r.db"
    proc = suivi_ingest(tmp_path / "in", db)
    snapshots = []
    try:
        assert wait_for_reports(db, proc, 1) > 0 or proc.returncode == 0
        conn = sqlite3.connect(db, timeout=10)  # as Datasette reads: a plain connection
        while proc.poll() is None:
            snapshots.append(whole_reports(conn))
            time.sleep(0.02)
        snapshots.append(whole_reports(conn))
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
    assert proc.returncode == 0, proc.stderr.read().decode()[-500:]
    assert len(snapshots[-1]) == count
    assert len({len(s) for s in snapshots}) > 1, "the reader never saw the batch in progress"
    for snap in snapshots:
        assert all(n == pages for _, n, pages in snap), snap
