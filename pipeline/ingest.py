"""Ingest a batch of PDFs: extract in worker processes, write with one writer.

Each report is written in one transaction; a file that fails leaves one line in the
summary, one row in `failures`, and nothing else in the database.

With a time or memory limit (the CLI always sets both), every file is extracted in a
worker process that the parent watches: a worker past its time limit or over its memory
limit is killed, a worker the OS kills is noticed, and in each case that one file gets a
failure line while a fresh worker takes the next file.

Unchanged files are skipped without reading them: the size and modification time of
every file ingested are kept in `file_stats`, and a file whose size and mtime match
(and whose recorded hash is the stored report's) is not hashed again.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Iterable, Iterator

from models.errors import NoTextLayer, SuiviError
from models.latest import refresh_latest_statuses
from models.schema import open_db
from models.store import known_hashes, record_failure, report_rows, write_report
from pipeline.discover import Candidate, discover
from extractors.layout import page_texts
from pipeline.extract import ExtractSettings, collector_paused, extract_file, load_nlp

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 600.0  # seconds per file: a 300-page report takes well under a minute
DEFAULT_MAX_MEMORY_MB = 2048  # per worker; the 198-page demo report peaks near 400 MB
_POLL = 0.2  # seconds between checks of the running workers


@dataclass
class IngestResult:
    ingested: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def summary(self, db_path: str) -> str:
        return (f"ingested {len(self.ingested)}, skipped {len(self.skipped)} unchanged, "
                f"failed {len(self.failed)} -> {db_path}")


@dataclass(frozen=True)
class Limits:
    """Per-file guards; None means no limit (and extraction may run in this process)."""

    timeout: float | None = None  # seconds
    max_memory_mb: int | None = None  # resident memory of the worker, in MB
    ocr: bool = False  # OCR image-only PDFs with ocrmypdf (pipeline.ocr)

    @property
    def needs_worker(self) -> bool:
        return self.timeout is not None or self.max_memory_mb is not None


_NLP = None


def _nlp():
    global _NLP
    if _NLP is None:
        _NLP = load_nlp()
    return _NLP


def rows_for(candidate: Candidate, settings: ExtractSettings, overrides: dict | None = None,
             ocr: bool = False, timeout: float | None = None) -> dict:
    """Worker: extract one file into the rows of every table (plain data, picklable)."""
    with collector_paused():
        return _extracted_rows(candidate, settings, overrides, ocr, timeout)


def _extracted_rows(candidate: Candidate, settings: ExtractSettings, overrides: dict | None,
                    ocr: bool, timeout: float | None) -> dict:
    try:
        doc, ext = extract_file(candidate.path, settings, nlp=_nlp(), sha256=candidate.sha256)
    except NoTextLayer:
        if not ocr:
            raise
        from pipeline.ocr import ocr_copy

        with ocr_copy(candidate.path, timeout=timeout) as copy:
            doc, ext = extract_file(copy, settings, nlp=_nlp(), sha256=candidate.sha256)
            return report_rows(ext, page_texts(doc), f"{settings.backend}+ocr", overrides)
    return report_rows(ext, page_texts(doc), settings.backend, overrides)


def _safe_rows(candidate: Candidate, settings: ExtractSettings, overrides: dict | None,
               ocr: bool = False, timeout: float | None = None):
    try:
        return rows_for(candidate, settings, overrides, ocr, timeout), None
    except SuiviError as exc:
        return None, str(exc)
    except MemoryError:
        return None, f"{candidate.path}: ran out of memory while reading the PDF"
    except RecursionError:
        return None, f"{candidate.path}: could not be read (nesting too deep in the PDF structure)"
    except Exception as exc:  # a malformed PDF can raise anything from the backend
        return None, f"{candidate.path}: could not be read ({type(exc).__name__}: {exc})"


def ingest(paths: Iterable[str], db_path: str, settings: ExtractSettings = ExtractSettings(),
           jobs: int = 1, overrides: dict[str, dict] | None = None,
           progress: Callable[[str], None] | None = None, *,
           timeout: float | None = None, max_memory_mb: int | None = None,
           ocr: bool = False) -> IngestResult:
    """Ingest every PDF found under `paths` into `db_path`; unchanged files are skipped.

    `timeout` (seconds) and `max_memory_mb` stop a runaway file; `ocr` runs ocrmypdf on
    image-only PDFs (raises OCRUnavailable up front when it is not installed).
    """
    paths = list(paths)
    limits = Limits(timeout, max_memory_mb, ocr)
    if ocr:
        from pipeline.ocr import check_ocr

        check_ocr()
    db = open_db(db_path)
    result = IngestResult()
    overrides = overrides or {}
    try:
        known = known_hashes(db)
        stats = _load_stats(db)
        todo: list[Candidate] = []
        _named_directories(paths, result)
        for path in discover(p for p in paths if not _is_pdf_named_dir(p)):
            try:
                cand, from_stats = _candidate(path, known, stats)
            except OSError as exc:
                result.failed.append((str(path), f"{path}: cannot read the file ({exc.strerror or exc})"))
                _tick(progress, str(path))
                continue
            if known.get(cand.file_name) == cand.sha256:
                result.skipped.append(cand.path)
                if not from_stats:
                    _save_stat(db, cand)
                _tick(progress, cand.path)
            else:
                todo.append(cand)
        for cand, rows, error in _extract_all(todo, settings, jobs, overrides, limits):
            if error is None:
                write_report(db, rows)
                _save_stat(db, cand)
                result.ingested.append(cand.path)
            else:
                record_failure(db, cand.file_name, cand.sha256, error)
                result.failed.append((cand.path, error))
            _tick(progress, cand.path)
        _update_links(db, result.ingested)
        if result.ingested:  # re-ingested reports drop the statuses they had given
            refresh_latest_statuses(db.conn)
    finally:
        db.conn.close()
    return result


def _update_links(db, ingested: list[str]) -> None:
    """Status tables and cross-report links of the reports just written (incremental)."""
    if not ingested:  # before the imports: pipeline.link loads spaCy's French data (seconds)
        return
    from models.store import report_id_for
    from pipeline.link import update_after_ingest

    try:
        update_after_ingest(db, [report_id_for(Path(p).name) for p in ingested])
    except Exception:  # the reports are stored; `suivi link` can redo this step
        log.exception("linking the new reports failed; run `suivi link` to retry")


def _tick(progress, path: str) -> None:
    if progress is not None:
        progress(path)


# -- which files changed -------------------------------------------------------------------

def _load_stats(db) -> dict[str, tuple[int, int, str]]:
    return {r[0]: (r[1], r[2], r[3]) for r in db.execute("SELECT file_name, size, mtime_ns, sha256 FROM file_stats")}


def _save_stat(db, cand: Candidate) -> None:
    try:
        st = os.stat(cand.path)
    except OSError:
        return
    db.execute("INSERT OR REPLACE INTO file_stats (file_name, size, mtime_ns, sha256) VALUES (?, ?, ?, ?)",
               (cand.file_name, st.st_size, st.st_mtime_ns, cand.sha256))


def _candidate(path: Path, known: dict[str, str], stats: dict) -> tuple[Candidate, bool]:
    """The file's Candidate; True when its hash comes from the stat cache (not re-read)."""
    from extractors.layout import sha256_file

    st = os.stat(path)
    cached = stats.get(path.name)
    if cached and cached[0] == st.st_size and cached[1] == st.st_mtime_ns and known.get(path.name) == cached[2]:
        return Candidate(str(path), path.name, cached[2], st.st_size), True
    return Candidate(str(path), path.name, sha256_file(str(path)), st.st_size), False


def _is_pdf_named_dir(raw: str) -> bool:
    p = Path(raw)
    return p.is_dir() and p.suffix.lower() == ".pdf"


def _named_directories(paths: list[str], result: IngestResult) -> None:
    """A folder named like a PDF on the command line is a mistake worth one line."""
    for raw in paths:
        if _is_pdf_named_dir(raw):
            result.failed.append((raw, f"{raw}: is a directory, not a PDF file"))


# -- extraction, in this process or in watched workers -------------------------------------

def _extract_all(todo: list[Candidate], settings: ExtractSettings, jobs: int, overrides: dict,
                 limits: Limits = Limits()) -> Iterator[tuple[Candidate, dict | None, str | None]]:
    if not todo:
        return
    if jobs <= 1 and not limits.needs_worker:
        for cand in todo:
            rows, error = _safe_rows(cand, settings, overrides.get(cand.file_name), limits.ocr, limits.timeout)
            yield cand, rows, error
        return
    yield from _WorkerPool(max(1, min(jobs, len(todo))), limits).run(todo, settings, overrides)


def _worker_main(conn, max_memory_mb: int | None) -> None:
    """A worker: extract the files the parent sends, one at a time, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if max_memory_mb:
        _cap_address_space(max_memory_mb)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if task is None:
            return
        cand, settings, overrides, ocr, timeout = task
        conn.send(_safe_rows(cand, settings, overrides, ocr, timeout))


def _cap_address_space(max_memory_mb: int) -> None:
    """A hard backstop behind the parent's resident-memory check: a single huge allocation
    fails with MemoryError here rather than taking the machine down before the next check.
    Generous, since the address space counts mapped libraries and the spaCy model."""
    try:
        import resource

        cap = (2 * max_memory_mb + 4096) * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or cap < hard:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, ValueError, OSError):
        pass


def _rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (Linux /proc), None when unknown."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        return None


class _Worker:
    def __init__(self, ctx, max_memory_mb: int | None) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, max_memory_mb), daemon=True,
                                name="suivi-ingest-worker")
        self.proc.start()
        child.close()
        self.task: Candidate | None = None
        self.started = 0.0

    def stop(self, kill: bool = False) -> None:
        if kill and self.proc.is_alive():
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
        self.conn.close()


class _WorkerPool:
    """N worker processes, each given one file at a time, watched for time and memory."""

    def __init__(self, size: int, limits: Limits) -> None:
        methods = multiprocessing.get_all_start_methods()
        # fork: workers start in milliseconds and share the imported modules.
        self.ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.size = size
        self.limits = limits

    def run(self, todo: list[Candidate], settings: ExtractSettings,
            overrides: dict) -> Iterator[tuple[Candidate, dict | None, str | None]]:
        pending = deque(todo)
        workers = [_Worker(self.ctx, self.limits.max_memory_mb) for _ in range(self.size)]
        try:
            while pending or any(w.task for w in workers):
                for i, w in enumerate(workers):
                    if w.task is None and pending:
                        cand = pending.popleft()
                        task = (cand, settings, overrides.get(cand.file_name), self.limits.ocr, self.limits.timeout)
                        try:
                            w.conn.send(task)
                        except (OSError, ValueError):  # an idle worker died: start a fresh one
                            w.stop(kill=True)
                            w = workers[i] = _Worker(self.ctx, self.limits.max_memory_mb)
                            w.conn.send(task)
                        w.task, w.started = cand, time.monotonic()
                busy = [w for w in workers if w.task is not None]
                wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=_POLL)
                for i, w in enumerate(workers):
                    if w.task is None:
                        continue
                    outcome = self._check(w)
                    if outcome is None:
                        continue
                    cand, (rows, error), replace = w.task, outcome[0], outcome[1]
                    w.task = None
                    if replace:
                        w.stop(kill=True)
                        workers[i] = _Worker(self.ctx, self.limits.max_memory_mb)
                    yield cand, rows, error
        finally:
            for w in workers:
                w.stop(kill=w.task is not None)

    def _check(self, w: _Worker):
        """((rows, error), replace_worker) once the worker's file is done or stopped."""
        path = w.task.path
        if w.conn.poll():
            try:
                return w.conn.recv(), False
            except (EOFError, OSError):
                pass  # died while sending: fall through to the exit code
        if not w.proc.is_alive():
            w.proc.join(1)
            code = w.proc.exitcode
            why = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            hint = " (out of memory?)" if code == -signal.SIGKILL else ""
            return (None, f"{path}: the worker reading this file died ({why}){hint}; the other files go on"), True
        elapsed = time.monotonic() - w.started
        if self.limits.timeout is not None and elapsed > self.limits.timeout:
            return (None, f"{path}: stopped after {self.limits.timeout:g} s (time limit; raise it with --timeout)"), True
        if self.limits.max_memory_mb is not None:
            rss = _rss_mb(w.proc.pid)
            if rss is not None and rss > self.limits.max_memory_mb:
                return (None, f"{path}: stopped at {rss:.0f} MB of memory (limit {self.limits.max_memory_mb} MB;"
                              f" raise it with --max-memory)"), True
        return None
