"""Ingest a batch of PDFs: extract in worker processes, write with one writer.

Each report is written in one transaction; a file that fails leaves one line in the
summary, one row in `failures`, and nothing else in the database.
"""
from __future__ import annotations

import logging
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from models.errors import SuiviError
from models.schema import open_db
from models.store import known_hashes, record_failure, report_rows, write_report
from pipeline.discover import Candidate, discover, fingerprint
from pipeline.extract import ExtractSettings, extract_file, load_nlp

log = logging.getLogger(__name__)


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


_NLP = None


def _nlp():
    global _NLP
    if _NLP is None:
        _NLP = load_nlp()
    return _NLP


def rows_for(candidate: Candidate, settings: ExtractSettings, overrides: dict | None = None) -> dict:
    """Worker: extract one file into the rows of every table (plain data, picklable)."""
    from extractors.layout import page_texts

    doc, ext = extract_file(candidate.path, settings, nlp=_nlp(), sha256=candidate.sha256)
    return report_rows(ext, page_texts(doc), settings.backend, overrides)


def _safe_rows(candidate: Candidate, settings: ExtractSettings, overrides: dict | None):
    try:
        return rows_for(candidate, settings, overrides), None
    except SuiviError as exc:
        return None, str(exc)
    except MemoryError:
        return None, f"{candidate.path}: ran out of memory while reading the PDF"
    except Exception as exc:  # a malformed PDF can raise anything from the backend
        return None, f"{candidate.path}: could not be read ({type(exc).__name__}: {exc})"


def ingest(paths: Iterable[str], db_path: str, settings: ExtractSettings = ExtractSettings(),
           jobs: int = 1, overrides: dict[str, dict] | None = None,
           progress: Callable[[str], None] | None = None) -> IngestResult:
    """Ingest every PDF found under `paths` into `db_path`; unchanged files are skipped."""
    db = open_db(db_path)
    result = IngestResult()
    overrides = overrides or {}
    try:
        known = known_hashes(db)
        todo: list[Candidate] = []
        for path in discover(paths):
            try:
                cand = fingerprint(path)
            except OSError as exc:
                result.failed.append((str(path), f"{path}: cannot read the file ({exc.strerror})"))
                continue
            if known.get(cand.file_name) == cand.sha256:
                result.skipped.append(cand.path)
                _tick(progress, cand.path)
            else:
                todo.append(cand)
        for cand, rows, error in _extract_all(todo, settings, jobs, overrides):
            if error is None:
                write_report(db, rows)
                result.ingested.append(cand.path)
            else:
                record_failure(db, cand.file_name, cand.sha256, error)
                result.failed.append((cand.path, error))
            _tick(progress, cand.path)
    finally:
        db.conn.close()
    return result


def _tick(progress, path: str) -> None:
    if progress is not None:
        progress(path)


def _extract_all(todo: list[Candidate], settings: ExtractSettings, jobs: int, overrides: dict):
    if jobs <= 1 or len(todo) <= 1:
        for cand in todo:
            rows, error = _safe_rows(cand, settings, overrides.get(cand.file_name))
            yield cand, rows, error
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_safe_rows, cand, settings, overrides.get(cand.file_name)): cand for cand in todo}
        for fut in as_completed(futures):
            cand = futures[fut]
            try:
                rows, error = fut.result()
            except Exception as exc:  # the worker itself died (killed, out of memory)
                rows, error = None, f"{cand.path}: worker process failed ({type(exc).__name__})"
            yield cand, rows, error
