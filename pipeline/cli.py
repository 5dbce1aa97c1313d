"""The `suivi` command line: a thin layer over the functions of `pipeline`."""
from __future__ import annotations

import contextlib
import json
import logging
import sys

import click

from models.errors import SuiviError

DEFAULT_DB = "reports.db"


def _fail(message: str, code: int = 1):
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _existing_db(db_path: str) -> str:
    """Every command but `ingest` reads a database that must exist: a typo in --db is an
    error, not a new empty database (exit 2)."""
    from pathlib import Path

    if not Path(db_path).is_file():
        _fail(f"{db_path}: no such database (check --db, or create it with `suivi ingest corpus/ --db {db_path}`)", 2)
    return db_path


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="suivi")
def main(verbose: int) -> None:
    """suivi: follow what inspection reports recommend, to whom, and what became of it.

    \b
    Typical use:
      suivi ingest corpus/            # PDFs -> reports.db
      suivi serve                     # browse in Datasette on http://127.0.0.1:8001
      suivi export --out exports/     # every table as CSV
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.argument("pdf", type=click.Path(dir_okay=False))
@click.option("--backend", type=click.Choice(["pdfium", "pdfplumber"]), default="pdfium", show_default=True,
              help="Layout backend: pypdfium2 (fast) or pdfplumber (reference).")
@click.option("--indent", type=int, default=None, help="Pretty-print the JSON with this indent.")
def extract(pdf: str, backend: str, indent: int | None) -> None:
    """Extract one PDF and print contract 1 (JSON) on stdout.

    \b
    Example:
      suivi extract corpus/igas-2019-prostitution.pdf --indent 2 > out.json
    """
    from pipeline.extract import ExtractSettings, extract_file, load_nlp

    try:
        _, ext = extract_file(pdf, ExtractSettings(backend=backend), nlp=load_nlp())
    except SuiviError as exc:
        _fail(str(exc))
    except FileNotFoundError:
        _fail(f"{pdf}: no such file")
    except Exception as exc:  # an unexpected backend error on a malformed file
        _fail(f"{pdf}: could not be read ({type(exc).__name__}: {exc})")
    json.dump(ext.to_contract(), sys.stdout, ensure_ascii=False, indent=indent)
    sys.stdout.write("\n")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help="SQLite database to write.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Files extracted in parallel (worker processes; one writer).")
@click.option("--backend", type=click.Choice(["pdfium", "pdfplumber"]), default="pdfium", show_default=True)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, only the summary line.")
@click.option("--ocr", is_flag=True,
              help="OCR image-only PDFs (scans) with ocrmypdf + tesseract (French) before reading them.")
@click.option("--timeout", type=click.FloatRange(min=1), default=600, show_default=True,
              help="Seconds allowed per file; a file past it is stopped and reported, the batch goes on.")
@click.option("--max-memory", "max_memory", type=click.IntRange(min=200), default=2048, show_default=True,
              help="MB of memory allowed per worker; a file past it is stopped and reported.")
def ingest(paths: tuple[str, ...], db_path: str, jobs: int, backend: str, quiet: bool, ocr: bool,
           timeout: float, max_memory: int) -> None:
    """Ingest report PDFs (files or folders) into the database.

    Unchanged files are skipped; a changed file replaces its report atomically. Each
    file that cannot be read gets one line; the others are still ingested, and the exit
    code is 1 when any failed.

    \b
    Example:
      suivi ingest corpus/ --db reports.db --jobs 2
      suivi ingest scans/ --ocr --timeout 1200    # scanned reports, OCR in French
    """
    from pipeline.discover import discover
    from pipeline.extract import ExtractSettings
    from pipeline.ingest import ingest as run_ingest
    from pipeline.manifest import load_manifest_for

    try:
        total = len(discover(paths))
    except FileNotFoundError as exc:
        _fail(str(exc), 2)
    if total == 0 and not any(p.lower().endswith(".pdf") for p in paths):
        click.echo(f"warning: no PDF found in {', '.join(paths)} (files must end in .pdf; folders are "
                   "searched recursively)", err=True)
    overrides = load_manifest_for(paths)
    # A bar only on a terminal: in a log or a pipe, one line per failure and the summary.
    progress = (click.progressbar(length=total, label="ingesting", file=sys.stderr, show_pos=True,
                                  item_show_func=lambda p: p and p.rsplit("/", 1)[-1])
                if not quiet and sys.stderr.isatty() else contextlib.nullcontext())
    with progress as bar:
        def tick(path: str) -> None:
            if bar is not None:
                bar.update(1, path)

        try:
            result = run_ingest(paths, db_path, ExtractSettings(backend=backend), jobs=jobs,
                                overrides=overrides, progress=tick, timeout=timeout,
                                max_memory_mb=max_memory, ocr=ocr)
        except SuiviError as exc:  # --ocr without ocrmypdf: nothing was attempted
            _fail(str(exc), 2)
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: workers are stopped, reports stay whole
            _fail(f"interrupted; the reports written are whole, run the same command again to "
                  f"finish (links included) -> {db_path}", 130)
    for message in result.warnings:
        click.echo(f"warning: {message}", err=True)
    for _, reason in result.failed:
        click.echo(f"failed: {reason}", err=True)
    click.echo(result.summary(db_path), err=True)
    sys.exit(result.exit_code)


@main.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True)
@click.option("--out", "out_dir", default="exports", show_default=True, help="Folder for the CSV files.")
@click.option("--excel", is_flag=True, help="UTF-8 with BOM and ';' separators, for French spreadsheets.")
@click.option("--tracker", "tracker_only", is_flag=True,
              help="Only the flat recommendation tracker (suivi_des_recommandations.csv).")
def export(db_path: str, out_dir: str, excel: bool, tracker_only: bool) -> None:
    """Write every table as CSV (UTF-8), one file per table, plus the recommendation
    tracker (one row per recommendation: report, year, number, owner, text, page, latest
    status).

    \b
    Example:
      suivi export --db reports.db --out exports/ --excel
      suivi export --tracker --excel     # exports/suivi_des_recommandations.csv only
    """
    from pipeline.export import TRACKER_FILE, export_tables, export_tracker

    _existing_db(db_path)
    try:
        if tracker_only:
            written = [export_tracker(db_path, f"{out_dir}/{TRACKER_FILE}", excel=excel)]
        else:
            written = export_tables(db_path, out_dir, excel=excel)
    except FileNotFoundError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{out_dir}: cannot write there ({exc.strerror or exc})")
    click.echo(f"wrote {len(written)} CSV files to {out_dir}", err=True)


@main.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (loopback by default).")
@click.option("--port", "-p", type=int, default=8001, show_default=True)
@click.option("--corpus", "corpus", multiple=True, type=click.Path(file_okay=False),
              help="Folder holding the report PDFs, for page images (repeatable; default ./corpus).")
def serve(db_path: str, host: str, port: int, corpus: tuple[str, ...]) -> None:
    """Browse the database in Datasette (read-only; new reports appear without a restart).

    Writes the metadata next to the database (reports.metadata.json) and prints the URL.

    \b
    Example:
      suivi serve --db reports.db --port 8001 --corpus corpus/
    To publish, copy reports.db and reports.metadata.json to a server where this
    project is installed and run `datasette -i reports.db -m reports.metadata.json`,
    or use `datasette publish`.
    """
    from pipeline.publish import serve as run_serve

    _existing_db(db_path)
    try:
        run_serve(db_path, host=host, port=port, corpus=list(corpus) or None)
    except (FileNotFoundError, SuiviError) as exc:
        _fail(str(exc))


@main.group()
def status() -> None:
    """Implementation statuses of recommendations: import and export them as CSV.

    \b
    Columns: report, number, status, as_of, assessed_by, evidence, original_target,
    revised_target (see docs: statuses).
    """


@status.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False))
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True)
def status_import(csv_file: str, db_path: str) -> None:
    """Import status observations from a CSV; a file with any bad row imports nothing.

    \b
    Example:
      suivi status import statuts-2021.csv --db reports.db
    """
    from models.schema import open_db
    from pipeline.statuses import import_statuses

    db = open_db(_existing_db(db_path))
    try:
        n = import_statuses(db, csv_file)
    except SuiviError as exc:
        _fail(str(exc))
    finally:
        db.conn.close()
    click.echo(f"imported {n} status rows from {csv_file} -> {db_path}", err=True)


@status.command("export")
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True)
@click.option("--out", "out_file", default="statuses.csv", show_default=True, help="CSV file to write.")
def status_export(db_path: str, out_file: str) -> None:
    """Write every status observation as a CSV that `suivi status import` reads back.

    \b
    Example:
      suivi status export --db reports.db --out statuses.csv
    """
    from models.schema import open_db
    from pipeline.statuses import export_statuses

    db = open_db(_existing_db(db_path))
    try:
        n = export_statuses(db, out_file)
    except OSError as exc:
        _fail(f"{out_file}: cannot write the file ({exc.strerror or exc})")
    finally:
        db.conn.close()
    click.echo(f"wrote {n} status rows to {out_file}", err=True)


@main.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True)
@click.option("--report", "report_ids", multiple=True, help="Only this report id (repeatable); default: all.")
def link(db_path: str, report_ids: tuple[str, ...]) -> None:
    """Recompute status tables and cross-report links (ingest does it for new reports).

    \b
    Example:
      suivi link --db reports.db
      suivi link --db reports.db --report igas-2019-prostitution
    """
    from models.schema import open_db
    from models.store import mark_linked
    from models.latest import refresh_latest_statuses
    from pipeline.link import update_after_ingest

    db = open_db(_existing_db(db_path))
    try:
        ids = list(report_ids) or [r for (r,) in db.execute("SELECT id FROM reports ORDER BY date, id")]
        n = update_after_ingest(db, ids)
        refresh_latest_statuses(db.conn)  # stubs resolved or dropped: the derived tables follow
        mark_linked(db, ids)
    finally:
        db.conn.close()
    click.echo(f"{n} links for {len(ids)} report(s) -> {db_path}", err=True)


if __name__ == "__main__":
    main()
