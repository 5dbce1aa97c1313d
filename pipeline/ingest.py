"""Ingest a batch of PDFs: extract in worker processes (pipeline.workers), write with one writer.

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

import contextlib
import dataclasses
import logging
import os
import signal
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from models.errors import NoTextLayer, SuiviError
from models.latest import refresh_latest_statuses
from models.schema import open_db
from models.store import (mark_linked, pending_links, record_failure, report_ids, report_rows,
                          stored_reports, write_report)
from pipeline.discover import Candidate, assign_identities, discover, display_text, real_path, safe_name
from extractors.layout import page_texts
from extractors.pdf_damage import inspect_file
from extractors.structure_checks import structure_problems
from pipeline.extract import ExtractSettings, collector_paused, extract_file, load_nlp
from pipeline.workers import Limits, WorkerPool

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 600.0  # seconds per file: a 300-page report takes well under a minute
DEFAULT_MAX_MEMORY_MB = 2048  # per worker; the 198-page demo report peaks near 400 MB


@dataclass
class IngestResult:
    ingested: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    warnings: list[str] = field(default_factory=list)  # ingested, but worth saying

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def summary(self, db_path: str) -> str:
        return (f"ingested {len(self.ingested)}, skipped {len(self.skipped)} unchanged, "
                f"failed {len(self.failed)} -> {db_path}")


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
        rows = _extracted_rows(candidate, settings, overrides, ocr, timeout)
    damage = inspect_file(candidate.path)
    if damage:
        report = rows["reports"][0]
        report["status"] = "repaired"
        report["_repaired"] = "damaged file, read after repair: " + "; ".join(damage)
        n = len(rows["quality"])
        rows["quality"].extend({"id": f"{report['id']}:q{n + i}", "report_id": report["id"],
                                "kind": "repaired", "subject": "file", "page": None, "message": reason}
                               for i, reason in enumerate(damage))
    return rows


def _extracted_rows(candidate: Candidate, settings: ExtractSettings, overrides: dict | None,
                    ocr: bool, timeout: float | None) -> dict:
    rid = candidate.report_id or None
    try:
        doc, ext = extract_file(candidate.path, settings, nlp=_nlp(), sha256=candidate.sha256)
    except NoTextLayer:
        if not ocr:
            raise
        from pipeline.ocr import ocr_copy

        with ocr_copy(candidate.path, timeout=timeout) as copy:
            doc, ext = extract_file(copy, settings, nlp=_nlp(), sha256=candidate.sha256)
            ext = _checked(doc, ext)
            return report_rows(ext, page_texts(doc), f"{settings.backend}+ocr", overrides, rid)
    return report_rows(_checked(doc, ext), page_texts(doc), settings.backend, overrides, rid)


def _checked(doc, ext):
    """The extraction with the structure checks' problems added (quality rows)."""
    extra = structure_problems(doc, ext)
    return dataclasses.replace(ext, problems=(*ext.problems, *extra)) if extra else ext


def _safe_rows(candidate: Candidate, settings: ExtractSettings, overrides: dict | None,
               ocr: bool = False, timeout: float | None = None):
    shown = candidate.shown
    try:
        return rows_for(candidate, settings, overrides, ocr, timeout), None
    except SuiviError as exc:
        return None, display_text(str(exc))
    except MemoryError:
        return None, f"{shown}: ran out of memory while reading the PDF"
    except RecursionError:
        return None, f"{shown}: could not be read (nesting too deep in the PDF structure)"
    except Exception as exc:  # a malformed PDF can raise anything from the backend
        log.debug("reading %s failed", shown, exc_info=True)
        return None, f"{shown}: could not be read ({type(exc).__name__}: {display_text(str(exc))})"


def ingest(paths: Iterable[str], db_path: str, settings: ExtractSettings = ExtractSettings(),
           jobs: int = 1, overrides: dict[str, dict] | None = None,
           progress: Callable[[str], None] | None = None, *,
           timeout: float | None = None, max_memory_mb: int | None = None,
           ocr: bool = False) -> IngestResult:
    """Ingest every PDF found under `paths` into `db_path`; unchanged files are skipped.

    `timeout` (seconds) and `max_memory_mb` stop a runaway file; `ocr` runs ocrmypdf on
    image-only PDFs (raises OCRUnavailable up front when it is not installed). SIGTERM
    stops the batch as Ctrl-C does (KeyboardInterrupt): workers are stopped, what was
    written stays whole, and the next run finishes the rest (links included).
    """
    paths = list(paths)
    limits = Limits(timeout, max_memory_mb, ocr)
    if ocr:
        from pipeline.ocr import check_ocr

        check_ocr()
    with _sigterm_as_interrupt():
        db = open_db(db_path)
        result = IngestResult()
        if settings.backend == "pdfium" and not system_fonts_present():
            result.warnings.append(NO_FONTS_WARNING)
        try:
            _run(db, paths, settings, jobs, overrides or {}, progress, limits, result)
        finally:
            db.conn.close()
    return result


def _run(db, paths: list[str], settings: ExtractSettings, jobs: int, overrides: dict,
         progress, limits: Limits, result: IngestResult) -> None:
    stored = stored_reports(db)
    by_path = {k.path: k for k in stored.values() if k.path}
    stats = _load_stats(db)
    _named_directories(paths, result)
    found: list[Candidate] = []
    hashed: set[str] = set()  # paths read to hash them (their stat is saved again)
    for path in discover(p for p in paths if not _is_pdf_named_dir(p)):
        try:
            cand, from_stats = _candidate(path, stored, by_path, stats)
            found.append(cand)
            if not from_stats:
                hashed.add(cand.path)
        except OSError as exc:
            shown = display_text(str(path))
            result.failed.append((shown, f"{shown}: cannot read the file ({exc.strerror or exc})"))
            _tick(progress, shown)
    cands, warnings = assign_identities(found, stored, report_ids(db))
    todo: list[Candidate] = []
    for cand in cands:
        known = stored.get(cand.file_name)
        if known is not None and known.sha256 == cand.sha256 and known.duplicate_of == cand.duplicate_of:
            result.skipped.append(cand.shown)
            if cand.path in hashed:
                _save_stat(db, cand)
            _tick(progress, cand.shown)
        else:
            if cand.path in warnings:
                result.warnings.append(f"{cand.shown}: {warnings[cand.path]}")
            todo.append(cand)
    for cand, rows, error in _extract_all(todo, settings, jobs, overrides, limits):
        if error is None:
            error = _store(db, cand, rows, result)
        if error is not None:
            _record_failure(db, cand, error)
            result.failed.append((cand.shown, error))
        _tick(progress, cand.shown)
    linked = _update_links(db, result)
    if result.ingested or linked:  # re-ingested reports drop the statuses they had given others
        refresh_latest_statuses(db.conn)


def _store(db, cand: Candidate, rows: dict, result: IngestResult) -> str | None:
    """Write one extracted report; the reason when it cannot be stored, else None."""
    try:
        report = rows["reports"][0]
        report.update(file_name=cand.file_name, path=real_path(cand.path),
                      file_name_bytes=cand.name_bytes, duplicate_of=cand.duplicate_of)
        if report.get("status") == "repaired":
            result.warnings.append(f"{cand.shown}: {report.pop('_repaired', 'damaged file')}")
        report.pop("_repaired", None)
        write_report(db, rows)
    except Exception as exc:  # a row the database refuses must not end the batch
        log.debug("storing %s failed", cand.shown, exc_info=True)
        return f"{cand.shown}: could not be stored ({type(exc).__name__}: {display_text(str(exc))})"
    _save_stat(db, cand)
    result.ingested.append(cand.shown)
    return None


def _record_failure(db, cand: Candidate, error: str) -> None:
    try:
        record_failure(db, cand.file_name, cand.sha256, error)
    except Exception:  # the failure line is still printed
        log.warning("%s: could not record the failure in the database", cand.shown, exc_info=True)


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """SIGTERM (a service manager, `kill`) stops the batch as Ctrl-C does."""
    def raise_interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, raise_interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _update_links(db, result: IngestResult) -> bool:
    """Status tables and cross-report links of every report still pending: those just
    written, and those an interrupted earlier run wrote but did not link. True when any
    were linked."""
    todo = pending_links(db)
    if not todo:  # before the imports: pipeline.link loads spaCy's French data (seconds)
        return False
    from pipeline.link import update_after_ingest

    try:
        update_after_ingest(db, todo)
        mark_linked(db, todo)
    except Exception as exc:  # the reports are stored and stay pending: the next run retries
        log.debug("linking failed", exc_info=True)
        result.warnings.append(f"linking {len(todo)} report(s) failed ({type(exc).__name__}: {exc}); "
                               "they stay pending: the next ingest or `suivi link` retries")
        return False
    return True


# Where pdfium looks for fonts on Linux (core/fxge/linux/fx_linux_impl.cpp).
PDFIUM_FONT_DIRS = ("/usr/share/fonts", "/usr/share/X11/fonts/Type1", "/usr/share/X11/fonts/TTF",
                    "/usr/local/share/fonts")
NO_FONTS_WARNING = ("no system font found: pdfium substitutes the fonts a PDF does not embed from the "
                    "system's, and without any their characters (e.g. bullets set in SymbolMT) are "
                    "missing from the text; install a font package (e.g. fonts-dejavu-core) and re-ingest")


def system_fonts_present(dirs: Iterable[str] = PDFIUM_FONT_DIRS) -> bool:
    """True when pdfium can find at least one font file on this system.

    Text extraction depends on it: a report whose bullets are set in a non-embedded
    SymbolMT font reads "·" with any system font installed and nothing without (the
    first run on a fresh machine, before font packages arrived, lacked them).
    """
    for folder in dirs:
        for _root, _dirs, files in os.walk(folder):
            if any(f.lower().endswith((".ttf", ".otf", ".pfb", ".ttc", ".pfa")) for f in files):
                return True
    return False


def _tick(progress, path: str) -> None:
    if progress is not None:
        progress(path)


# -- which files changed -------------------------------------------------------------------

def _load_stats(db) -> dict[str, tuple[int, int, str]]:
    return {r[0]: (r[1], r[2], r[3]) for r in db.execute("SELECT file_name, size, mtime_ns, sha256 FROM file_stats")}


def _save_stat(db, cand: Candidate) -> None:
    try:
        st = os.stat(cand.path)
        db.execute("INSERT OR REPLACE INTO file_stats (file_name, size, mtime_ns, sha256) VALUES (?, ?, ?, ?)",
                   (cand.file_name, st.st_size, st.st_mtime_ns, cand.sha256))
    except (OSError, sqlite3.Error):  # only a cache: the file is hashed again next time
        return


def _candidate(path: Path, stored: dict, by_path: dict, stats: dict) -> tuple[Candidate, bool]:
    """The file's Candidate, and True when its hash comes from the stat cache (size and
    mtime match what was recorded for the same file: then it is not read)."""
    from extractors.layout import sha256_file

    st = os.stat(path)
    name, name_bytes = safe_name(path)
    known = by_path.get(real_path(path)) or stored.get(name)
    cached = stats.get(known.file_name) if known else None
    from_stats = bool(cached and cached[0] == st.st_size and cached[1] == st.st_mtime_ns
                      and known.sha256 == cached[2])
    sha = cached[2] if from_stats else sha256_file(str(path))
    return Candidate(str(path), name, sha, st.st_size, name_bytes=name_bytes), from_stats


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
            rows, error = _safe_rows(cand, settings, _override(overrides, cand), limits.ocr, limits.timeout)
            yield cand, rows, error
        return
    pool = WorkerPool(max(1, min(jobs, len(todo))), limits, _safe_rows)
    yield from pool.run(todo, settings, lambda cand: _override(overrides, cand))


def _override(overrides: dict, cand: Candidate) -> dict | None:
    """The manifest's values for this file (the manifest names files by their base name)."""
    return overrides.get(cand.file_name) or overrides.get(os.path.basename(cand.path))
