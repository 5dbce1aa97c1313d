"""One file's failure stays that file's; distinct files stay distinct; ingest converges.

The fault campaign (hundreds of damaged files, kill -9, concurrent writers and readers)
is in test_faults.py; these are the single behaviours it relies on, each on small files.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import pipeline.ingest as ingest_mod
from models.schema import open_db
from models.store import report_rows, valid_text, write_report
from pipeline.discover import display_text
from pipeline.extract import ExtractSettings
from pipeline.ingest import ingest
from tests.paths import REAL
from tests.test_link import JUSTICE, add_report, extraction
from tests.test_robustness import suivi, text_pdf

BAD = REAL.parent / "bad"


def reports(db_path: Path) -> dict[str, tuple]:
    """report id -> (file_name, sha256, duplicate_of, status)."""
    conn = sqlite3.connect(db_path)
    try:
        return {r[0]: r[1:] for r in conn.execute(
            "SELECT id, file_name, sha256, duplicate_of, status FROM reports")}
    finally:
        conn.close()


def run(paths, db_path: Path):
    return ingest([str(p) for p in paths], str(db_path), ExtractSettings())


# ---------------------------------------------------------------- distinct files
def test_names_that_slug_alike_get_distinct_stable_ids(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text_pdf(folder / "rapport 2019.pdf", text="Premier")
    text_pdf(folder / "rapport-2019.pdf", text="Second")
    text_pdf(folder / "отчёт.pdf", text="Troisième")
    text_pdf(folder / "報告.pdf", text="Quatrième")
    db = tmp_path / "r.db"
    first = run([folder], db)
    got = reports(db)
    assert len(first.ingested) == 4 and len(got) == 4
    assert "rapport-2019" in got and sum(i.startswith("rapport-2019-") for i in got) == 1
    assert sum(i.startswith("report-") for i in got) == 2  # the two non-Latin names
    assert any("already used by" in w for w in first.warnings)
    again = run([folder], db)
    assert len(again.skipped) == 4 and not again.ingested and reports(db) == got


def test_same_name_in_two_folders_stays_two_reports(tmp_path):
    for sub, text in (("a", "Alpha"), ("b", "Beta")):
        (tmp_path / sub).mkdir()
        text_pdf(tmp_path / sub / "x.pdf", text=text)
    db = tmp_path / "r.db"
    result = run([tmp_path / "a", tmp_path / "b"], db)
    got = reports(db)
    assert len(result.ingested) == 2 and {v[0] for v in got.values()} == {"x.pdf", "b/x.pdf"}
    assert set(got) == {"x", "b-x"}
    assert any("another file is also named x.pdf; stored as b/x.pdf" in w for w in result.warnings)
    assert run([tmp_path / "a", tmp_path / "b"], db).skipped and reports(db) == got


def test_same_bytes_under_two_names_is_a_duplicate(tmp_path):
    text_pdf(tmp_path / "original.pdf", text="Contenu")
    shutil.copy(tmp_path / "original.pdf", tmp_path / "zcopie.pdf")
    db = tmp_path / "r.db"
    result = run([tmp_path / "original.pdf", tmp_path / "zcopie.pdf"], db)
    got = reports(db)
    assert got["zcopie"][2] == "original" and got["original"][2] is None
    assert any("zcopie.pdf: same content as original.pdf" in w for w in result.warnings)


def test_a_file_name_that_is_not_utf8_is_stored_as_text_with_its_bytes(tmp_path):
    raw = os.fsencode(str(tmp_path)) + b"/rapport-\xe9t\xe9.pdf"  # Latin-1 bytes
    text_pdf(Path(os.fsdecode(raw)), text="Latin")
    db = tmp_path / "r.db"
    result = run([tmp_path], db)
    assert not result.failed and len(result.ingested) == 1
    conn = sqlite3.connect(db)
    name, hexed = conn.execute("SELECT file_name, file_name_bytes FROM reports").fetchone()
    assert name == "rapport-\\xe9t\\xe9.pdf" and bytes.fromhex(hexed) == b"rapport-\xe9t\xe9.pdf"
    assert result.ingested[0].endswith("rapport-\\xe9t\\xe9.pdf")


# ---------------------------------------------------------------- one file's failure
def test_a_lone_surrogate_is_stored_as_a_replacement_character(tmp_path):
    db = open_db(str(tmp_path / "r.db"))
    ext = extraction("damaged.pdf", "2020", [(1, "Texte \ud824 abîmé", (JUSTICE,))])
    rows = report_rows(ext, [(1, None, "page \udcff")], "pdfium")
    write_report(db, rows)
    text, page = db.execute("SELECT r.text, p.text FROM recommendations r JOIN pages p "
                            "ON p.report_id = r.report_id").fetchone()
    assert text == "Texte \ufffd abîmé" and page == "page \ufffd"
    assert valid_text(42) == 42 and display_text("a\udce9") == "a\\xe9"


def test_an_error_while_storing_one_file_is_that_files_failure(tmp_path, monkeypatch):
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        text_pdf(tmp_path / name, text=name)
    real_write = ingest_mod.write_report

    def write(db, rows):
        if rows["reports"][0]["file_name"] == "b.pdf":
            raise UnicodeEncodeError("utf-8", "\ud824", 0, 1, "surrogates not allowed")
        real_write(db, rows)

    monkeypatch.setattr(ingest_mod, "write_report", write)
    db = tmp_path / "r.db"
    result = run([tmp_path], db)
    assert [Path(p).name for p in result.ingested] == ["a.pdf", "c.pdf"]
    assert len(result.failed) == 1 and "b.pdf: could not be stored (UnicodeEncodeError" in result.failed[0][1]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT file_name FROM failures").fetchall() == [("b.pdf",)]
    assert conn.execute("SELECT count(*) FROM pending_links").fetchone() == (0,)  # links ran


# ---------------------------------------------------------------- convergence
def test_reports_left_unlinked_are_linked_by_the_next_run(tmp_path, monkeypatch):
    import pipeline.link as link_mod

    text_pdf(tmp_path / "a.pdf", text="Alpha")
    db = tmp_path / "r.db"

    def broken(db, ids, nlp=None):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(link_mod, "update_after_ingest", broken)
    first = run([tmp_path], db)
    assert first.ingested and any("stay pending" in w for w in first.warnings)
    assert sqlite3.connect(db).execute("SELECT report_id FROM pending_links").fetchall() == [("a",)]
    monkeypatch.undo()
    calls = []
    real = link_mod.update_after_ingest
    monkeypatch.setattr(link_mod, "update_after_ingest", lambda db, ids, nlp=None: calls.append(list(ids)) or real(db, ids))
    second = run([tmp_path], db)
    assert second.skipped and not second.ingested and calls == [["a"]]
    assert sqlite3.connect(db).execute("SELECT count(*) FROM pending_links").fetchone() == (0,)


def test_schema_creation_is_safe_when_two_processes_start_together(tmp_path):
    path = str(tmp_path / "new.db")
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def open_it():
        try:
            barrier.wait()
            open_db(path).conn.close()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 2
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'recommendations_fts'").fetchone() == (1,)


def test_opening_waits_for_a_writer_before_switching_to_wal(tmp_path):
    """SQLite calls no busy handler for a journal-mode change: while another process holds
    the new file's write lock, open_db waits for it instead of failing at once."""
    path = str(tmp_path / "held.db")
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE creating (x)")  # the other ingest, creating the schema
    releaser = threading.Timer(0.4, lambda: holder.execute("COMMIT"))
    releaser.start()
    try:
        db = open_db(path)
    finally:
        releaser.join()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'recommendations'").fetchone() == (1,)
    db.conn.close()
    holder.close()


def test_opening_a_current_database_writes_nothing(tmp_path):
    path = tmp_path / "r.db"
    open_db(str(path)).conn.close()
    conn = sqlite3.connect(path)
    before = conn.execute("PRAGMA data_version").fetchone()
    changes = conn.total_changes
    open_db(str(path)).conn.close()
    assert conn.execute("PRAGMA data_version").fetchone() == before and conn.total_changes == changes


# ---------------------------------------------------------------- damage said
@pytest.mark.slow
def test_damaged_files_are_stored_as_repaired_or_fail_as_damaged(tmp_path):
    for name in ("flip-120-1-gao-08-587t-testimony-ga.pdf", "stream-11-gao-07-791-reexamining-r.pdf",
                 "xref-14b-tsb-ca-a11f0012-aviation.pdf"):
        shutil.copy(BAD / name, tmp_path / name)
    db = tmp_path / "r.db"
    proc = suivi("ingest", str(tmp_path), "--db", str(db), "--jobs", "2", "-q")
    assert "Traceback" not in proc.stderr and proc.returncode == 1
    assert "ingested 2, skipped 0 unchanged, failed 1" in proc.stderr
    assert ("failed: " in proc.stderr and "xref-14b-tsb-ca-a11f0012-aviation.pdf: not a readable PDF, damaged "
            "or truncated (the cross-reference table is damaged" in proc.stderr)
    assert "encrypted" not in proc.stderr and "PDFium: Success" not in proc.stderr
    assert "warning: " in proc.stderr and "damaged file, read after repair" in proc.stderr
    got = reports(db)
    assert {rid: v[3] for rid, v in got.items()} == {"flip-120-1-gao-08-587t-testimony-ga": "repaired",
                                                     "stream-11-gao-07-791-reexamining-r": "repaired"}
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM quality WHERE kind = 'repaired'").fetchone()[0] >= 2


@pytest.mark.slow
def test_the_original_files_are_not_called_repaired(tmp_path):
    for name in ("gao-08-587t-testimony-gao-act-2008.pdf", "tsb-ca-a11f0012-aviation-2012.pdf"):
        shutil.copy(REAL / name, tmp_path / name)
    db = tmp_path / "r.db"
    proc = suivi("ingest", str(tmp_path), "--db", str(db), "-q")
    assert proc.returncode == 0, proc.stderr
    assert {v[3] for v in reports(db).values()} == {"ok"}


# ---------------------------------------------------------------- command line
@pytest.mark.parametrize("args", [
    ("link",), ("export", "--out", "{tmp}/x"), ("status", "export", "--out", "{tmp}/s.csv"),
    ("status", "import", "{tmp}/s.csv"), ("serve", "--port", "1"),
])
def test_a_database_that_does_not_exist_is_an_error(tmp_path, args):
    missing = tmp_path / "typo.db"
    proc = suivi(*(a.format(tmp=tmp_path) for a in args), "--db", str(missing))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == (f"error: {missing}: no such database (check --db, or create it with "
                                   f"`suivi ingest corpus/ --db {missing}`)")
    assert not missing.exists()


def test_an_empty_folder_gets_a_hint(tmp_path):
    (tmp_path / "vide").mkdir()
    (tmp_path / "vide" / "notes.txt").write_text("x")
    proc = suivi("ingest", str(tmp_path / "vide"), "--db", str(tmp_path / "r.db"))
    assert proc.returncode == 0
    assert f"warning: no PDF found in {tmp_path / 'vide'} (files must end in .pdf" in proc.stderr


def test_a_busy_port_is_one_line_with_a_suggestion(tmp_path):
    import socket

    text_pdf(tmp_path / "a.pdf")
    db = tmp_path / "r.db"
    run([tmp_path / "a.pdf"], db)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        proc = suivi("serve", "--db", str(db), "--port", str(port), timeout=60)
    assert proc.returncode == 1 and "Serving" not in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == (f"error: port {port} on 127.0.0.1 is already in use (Address already in use); "
                                   f"try `suivi serve --port {port + 1}`, or stop the other server")


def test_status_export_to_a_missing_folder_is_one_line(tmp_path):
    db_path = tmp_path / "r.db"
    add_report(open_db(str(db_path)), extraction("a.pdf", "2020", [(1, "Texte", (JUSTICE,))]))
    proc = suivi("status", "export", "--db", str(db_path), "--out", "/nonexistent/x.csv")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == "error: /nonexistent/x.csv: cannot write the file (No such file or directory)"


def test_sigterm_stops_ingest_like_ctrl_c_and_its_workers(tmp_path):
    import signal
    import time

    for i in range(6):
        text_pdf(tmp_path / f"r{i}.pdf", pages=30, text=f"R{i}")
    proc = subprocess.Popen([sys.executable, "-c", "from pipeline.cli import main; main()", "ingest",
                             str(tmp_path), "--db", str(tmp_path / "r.db"), "--jobs", "2", "-q"],
                            cwd=Path(__file__).resolve().parents[1], stderr=subprocess.PIPE, text=True)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        workers |= children(proc.pid)
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    if workers:  # the batch may have ended before the signal on a fast machine
        assert proc.returncode == 130 and "interrupted; the reports written are whole" in err
    assert wait_gone(workers) == set()


def children(pid: int) -> set[int]:
    """Processes whose parent is `pid` (Linux /proc)."""
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.add(int(entry.name))
    return out


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_gone(pids: set[int], timeout: float = 10.0) -> set[int]:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = {p for p in pids if alive(p)}
        if not left:
            return set()
        time.sleep(0.1)
    return {p for p in pids if alive(p)}


@pytest.mark.slow
def test_a_collapsed_structure_is_a_quality_line(tmp_path):
    from extractors.structure_checks import structure_problems
    from pipeline.extract import extract_file

    doc, ext = extract_file(str(BAD / "flip-120-1-gao-08-587t-testimony-ga.pdf"), ExtractSettings())
    assert [(p.kind, p.message) for p in structure_problems(doc, ext)] == [
        ("structure_collapsed", "1 section(s) trouvée(s) alors que le sommaire du PDF en compte 13 : le texte "
                                "est peut-être abîmé ou lu dans le désordre")]
    doc, ext = extract_file(str(REAL / "gao-08-587t-testimony-gao-act-2008.pdf"), ExtractSettings())
    assert structure_problems(doc, ext) == []


# ---------------------------------------------------------------- item 12: what else extraction depends on
PAGE_TEXT_SCRIPT = """
import hashlib, json, sys
from pipeline.extract import ExtractSettings, extract_file
from extractors.layout import page_texts
doc, ext = extract_file(sys.argv[1], ExtractSettings())
pages = "\\n".join(f"{n}|{label}|{text}" for n, label, text in page_texts(doc))
print(hashlib.sha256(pages.encode()).hexdigest(), pages.count("\\u00b7"),
      hashlib.sha256(json.dumps(ext.to_contract(), sort_keys=True).encode()).hexdigest())
"""


@pytest.mark.slow
def test_extraction_does_not_depend_on_hash_seed_or_locale():
    """Same file, same text: string hashing order (PYTHONHASHSEED) and the locale do not
    change the page texts or contract 1."""
    tsb = str(REAL / "tsb-ca-a11f0012-aviation-2012.pdf")
    outputs = set()
    for env in ({"PYTHONHASHSEED": "0", "LC_ALL": "C"}, {"PYTHONHASHSEED": "4242", "LC_ALL": "C.UTF-8"},
                {"PYTHONHASHSEED": "7", "LANG": "fr_FR.UTF-8", "TZ": "Pacific/Kiritimati"}):
        proc = subprocess.run([sys.executable, "-c", PAGE_TEXT_SCRIPT, tsb], capture_output=True, text=True,
                              env={**os.environ, **env}, cwd=Path(__file__).resolve().parents[1], timeout=300)
        assert proc.returncode == 0, proc.stderr
        outputs.add(proc.stdout.strip())
    assert len(outputs) == 1


def test_the_symbol_bullets_need_a_system_font():
    """TSB's 17 bullets are set in SymbolMT, not embedded: pdfium reads them as "·" only
    when it finds some system font to substitute (any will do); with none they vanish.
    Ingest says so (NO_FONTS_WARNING); this test fails on a machine without fonts."""
    from extractors.layout import page_texts, read_document
    from pipeline.ingest import system_fonts_present

    assert system_fonts_present(), "no system font: install fonts-dejavu-core (see NO_FONTS_WARNING)"
    doc = read_document(str(REAL / "tsb-ca-a11f0012-aviation-2012.pdf"))
    assert sum(text.count("\u00b7") for _, _, text in page_texts(doc)) == 17


def test_ingest_warns_when_no_system_font_is_found(tmp_path, monkeypatch):
    text_pdf(tmp_path / "a.pdf")
    assert not ingest_mod.system_fonts_present([str(tmp_path / "no-fonts-here")])
    monkeypatch.setattr(ingest_mod, "system_fonts_present", lambda: False)
    result = run([tmp_path / "a.pdf"], tmp_path / "r.db")
    assert result.warnings == [ingest_mod.NO_FONTS_WARNING] and result.ingested


def test_a_copied_folder_is_the_same_reports_and_a_changed_namesake_is_another(tmp_path):
    (tmp_path / "a").mkdir()
    text_pdf(tmp_path / "a" / "x.pdf", text="Alpha")
    db = tmp_path / "r.db"
    run([tmp_path / "a"], db)
    shutil.copytree(tmp_path / "a", tmp_path / "copie")
    again = run([tmp_path / "copie"], db)
    assert len(again.skipped) == 1 and not again.ingested and not again.warnings
    (tmp_path / "b").mkdir()
    text_pdf(tmp_path / "b" / "x.pdf", text="Beta")  # same name, other content, a/x.pdf still there
    other = run([tmp_path / "b"], db)
    assert len(other.ingested) == 1 and set(reports(db)) == {"x", "b-x"}
