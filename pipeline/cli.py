"""The `suivi` command line: a thin layer over the functions of `pipeline`."""
from __future__ import annotations

import json
import logging
import sys

import click

from models.errors import SuiviError

DEFAULT_DB = "reports.db"


def _fail(message: str, code: int = 1):
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


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
def ingest(paths: tuple[str, ...], db_path: str, jobs: int, backend: str, quiet: bool) -> None:
    """Ingest report PDFs (files or folders) into the database.

    Unchanged files are skipped; a changed file replaces its report atomically. Each
    file that cannot be read gets one line; the others are still ingested, and the exit
    code is 1 when any failed.

    \b
    Example:
      suivi ingest corpus/ --db reports.db --jobs 2
    """
    from pipeline.discover import discover
    from pipeline.extract import ExtractSettings
    from pipeline.ingest import ingest as run_ingest
    from pipeline.manifest import load_manifest_for

    try:
        total = len(discover(paths))
    except FileNotFoundError as exc:
        _fail(str(exc), 2)
    overrides = load_manifest_for(paths)
    show = not quiet and sys.stderr.isatty()
    with click.progressbar(length=total, label="ingesting", file=sys.stderr,
                           show_pos=True, item_show_func=lambda p: p and p.rsplit("/", 1)[-1]) as bar:
        def tick(path: str) -> None:
            if show:
                bar.update(1, path)

        result = run_ingest(paths, db_path, ExtractSettings(backend=backend), jobs=jobs,
                            overrides=overrides, progress=tick)
    for _, reason in result.failed:
        click.echo(f"failed: {reason}", err=True)
    click.echo(result.summary(db_path), err=True)
    sys.exit(result.exit_code)


@main.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True)
@click.option("--out", "out_dir", default="exports", show_default=True, help="Folder for the CSV files.")
@click.option("--excel", is_flag=True, help="UTF-8 with BOM and ';' separators, for French spreadsheets.")
def export(db_path: str, out_dir: str, excel: bool) -> None:
    """Write every table as CSV (UTF-8), one file per table.

    \b
    Example:
      suivi export --db reports.db --out exports/ --excel
    """
    from pipeline.export import export_tables

    try:
        written = export_tables(db_path, out_dir, excel=excel)
    except FileNotFoundError as exc:
        _fail(str(exc))
    click.echo(f"wrote {len(written)} CSV files to {out_dir}", err=True)


@main.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (loopback by default).")
@click.option("--port", "-p", type=int, default=8001, show_default=True)
def serve(db_path: str, host: str, port: int) -> None:
    """Browse the database in Datasette (read-only).

    \b
    Example:
      suivi serve --db reports.db --port 8001
    To publish, copy reports.db and metadata.json to a server and run
    `datasette -i reports.db -m metadata.json`, or use `datasette publish`.
    """
    from pipeline.publish import serve as run_serve

    try:
        run_serve(db_path, host=host, port=port)
    except FileNotFoundError as exc:
        _fail(str(exc))
