"""`make bench`: how fast and how lean ingest is, measured on the dev corpus in one run.

Every figure comes from a fresh child process (so peak memory is that run's own), and is
printed beside its goal:
- pages/s of `suivi ingest` with each backend, and of two bare passes over the same PDF
  (pdfplumber `extract_words`, pypdfium2 `get_text_range`), with their ratios;
- peak resident memory (ru_maxrss of the run and of its workers);
- the time to re-ingest the unchanged corpus (100 copies of a small PDF, skip path);
- what footnotes and tables add to ingest time;
- what linking adds per report on a 100-report database (pipeline/bench_links.py);
- peak memory for a 300-page report (the demo report's pages concatenated).

Usage: python -m pipeline.bench [PDF ...] [--quick] [--links-only]
The throughput probes run in three interleaved rounds and each figure is the best of
them (`--quick`: one round, no 300-page run). Wall times depend on the machine's load;
CPU seconds are printed too.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEMO = Path(__file__).resolve().parent.parent / "corpus" / "igas-2019-prostitution.pdf"

# Each probe runs in its own interpreter and prints one JSON line on stdout.
_PROBE = r"""
import json, resource, sys, time
kind, args = sys.argv[1], json.loads(sys.argv[2])
t0, c0 = time.perf_counter(), time.process_time()
out = {}
if kind == "ingest":
    from pipeline.extract import ExtractSettings
    from pipeline.ingest import ingest
    s = ExtractSettings(backend=args["backend"], with_tables=args["tables"], with_footnotes=args["footnotes"])
    t_call, c_call = time.perf_counter(), time.process_time()
    r = ingest(args["paths"], args["db"], s, jobs=args["jobs"], timeout=args["timeout"],
               max_memory_mb=args["max_memory"])
    out = {"ingested": len(r.ingested), "skipped": len(r.skipped), "failed": [f[1] for f in r.failed],
           "call": time.perf_counter() - t_call, "call_cpu": time.process_time() - c_call}
elif kind == "plumber_words":
    import pdfplumber
    t_call, c_call = time.perf_counter(), time.process_time()
    n = 0
    for p in args["paths"]:
        with pdfplumber.open(p) as pdf:
            for page in pdf.pages:
                page.extract_words(); page.flush_cache(); n += 1
    out = {"pages": n, "call": time.perf_counter() - t_call, "call_cpu": time.process_time() - c_call}
elif kind == "pdfium_text":
    import pypdfium2 as pdfium
    t_call, c_call = time.perf_counter(), time.process_time()
    n = 0
    for p in args["paths"]:
        pdf = pdfium.PdfDocument(p)
        for i in range(len(pdf)):
            page = pdf[i]; tp = page.get_textpage(); tp.get_text_range(); tp.close(); page.close(); n += 1
        pdf.close()
    out = {"pages": n, "call": time.perf_counter() - t_call, "call_cpu": time.process_time() - c_call}
elif kind == "stages":
    # The extractors with and without tables/footnotes, interleaved, best of 3, each run
    # on a freshly read Document (a Document caches what extractors derive from it), with
    # the collector paused as in production.
    import gc
    from extractors.layout import read_document
    from pipeline.extract import ExtractSettings, extract_document, load_nlp
    nlp = load_nlp()
    configs = {"all": {}, "no_tables": {"with_tables": False}, "no_footnotes": {"with_footnotes": False},
               "neither": {"with_tables": False, "with_footnotes": False}}
    gc.disable()
    for _ in range(3):
        for name, kw in configs.items():
            docs = [read_document(p, "pdfium") for p in args["paths"]]
            c = time.process_time()
            for d in docs:
                extract_document(d, ExtractSettings(**kw), nlp)
            out[name] = min(out.get(name, 1e9), time.process_time() - c)
elif kind == "layout":
    from extractors.layout import read_document
    from pipeline.extract import collector_paused
    with collector_paused():  # as in production (pipeline.extract.extract_file)
        out = {"pages": sum(read_document(p, args["backend"]).page_count for p in args["paths"])}
self_ru = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
out.update(wall=time.perf_counter() - t0,
           cpu=self_ru.ru_utime + self_ru.ru_stime + kids.ru_utime + kids.ru_stime,
           rss_mb=max(self_ru.ru_maxrss, kids.ru_maxrss) / 1024)
print(json.dumps(out))
"""


def probe(kind: str, **args) -> dict:
    """Run one measurement in a fresh interpreter; raise with its stderr when it fails."""
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", _PROBE, kind, json.dumps(args)], capture_output=True,
                          text=True, cwd=root, env=env)
    if proc.returncode != 0 or not proc.stdout.strip():
        tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"bench probe {kind} failed (exit {proc.returncode}):\n{tail}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def page_count(paths: list[str]) -> int:
    import pypdfium2 as pdfium

    total = 0
    for p in paths:
        pdf = pdfium.PdfDocument(p)
        total += len(pdf)
        pdf.close()
    return total


def concatenated(src: str, pages: int, out: str) -> str:
    """A `pages`-page PDF made of `src`'s pages repeated (pypdfium2 import_pages)."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(src)
    n = len(source)
    dest = pdfium.PdfDocument.new()
    while len(dest) < pages:
        take = min(n, pages - len(dest))
        dest.import_pages(source, list(range(take)), index=len(dest))
    dest.save(out)
    dest.close()
    source.close()
    return out


ROUNDS = 3


def best_of(plans: dict, rounds: int) -> dict[str, dict]:
    """Run every probe `rounds` times, interleaved, and keep each figure's minimum.

    On a shared machine one run can be slowed by a neighbour by 20% or more; the
    minimum of interleaved rounds is the figure least touched by that (as `timeit` does),
    and interleaving spreads a slow spell over all probes rather than one.
    """
    best: dict[str, dict] = {}
    for r in range(rounds):
        for name, run_probe in plans.items():
            result = run_probe(r)
            if name not in best:
                best[name] = result
                continue
            for key in ("wall", "cpu", "call", "call_cpu"):
                if key in result:
                    best[name][key] = min(best[name][key], result[key])
            best[name]["rss_mb"] = max(best[name]["rss_mb"], result["rss_mb"])
    return best


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def run(pdfs: list[str], quick: bool = False) -> list[str]:
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    tmp = Path(tempfile.mkdtemp(prefix="suivi-bench-"))
    try:
        pages = page_count(pdfs)
        say(f"suivi bench: {len(pdfs)} PDF(s), {pages} pages: {', '.join(Path(p).name for p in pdfs)}")
        say(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start "
            f"(wall times suffer when the machine is busy; CPU seconds do not)")
        say("")
        common = dict(jobs=1, timeout=None, max_memory=None, tables=True, footnotes=True)
        rounds = 1 if quick else ROUNDS
        plans = {
            "pdfium": lambda r: probe("ingest", paths=pdfs, db=str(tmp / f"pdfium-{r}.db"), backend="pdfium", **common),
            "plumber_words": lambda r: probe("plumber_words", paths=pdfs),
            "pdfium_text": lambda r: probe("pdfium_text", paths=pdfs),
            "layout": lambda r: probe("layout", paths=pdfs, backend="pdfium"),
        }
        runs = best_of(plans, rounds)
        # The pdfplumber backend is the slow reference: one run is enough to show its cost.
        runs["pdfplumber"] = probe("ingest", paths=pdfs, db=str(tmp / "pdfplumber.db"), backend="pdfplumber", **common)
        for backend in ("pdfium", "pdfplumber"):
            if runs[backend]["failed"]:
                say(f"  note: {backend} ingest failures: {runs[backend]['failed']}")
        bare_plumber, bare_pdfium, layout = runs["plumber_words"], runs["pdfium_text"], runs["layout"]

        def row(label: str, r: dict) -> None:
            say(f"  {label:<44} {pages / r['wall']:8.1f} pages/s  {r['wall']:7.2f} s wall"
                f"  {r['cpu']:7.2f} s CPU  {r['rss_mb']:6.0f} MB peak")

        say(f"Throughput (one process, jobs=1; best of {rounds} interleaved round{'s' if rounds > 1 else ''},"
            f" the pdfplumber ingest run once)")
        row("suivi ingest, pdfium backend (default)", runs["pdfium"])
        row("suivi ingest, pdfplumber backend", runs["pdfplumber"])
        row("layout stage only (read_document, pdfium)", layout)
        row("bare pdfplumber extract_words pass", bare_plumber)
        row("bare pypdfium2 get_text_range pass", bare_pdfium)
        d = runs["pdfium"]
        say("")
        say("Ratios (wall / CPU)                                      goal")
        say(f"  default ingest vs bare pdfplumber: {_ratio(bare_plumber['wall'], d['wall']):5.1f}x faster /"
            f" {_ratio(bare_plumber['cpu'], d['cpu']):5.1f}x      >= 5x faster")
        say(f"  default ingest vs bare pypdfium2:  {_ratio(d['wall'], bare_pdfium['wall']):5.1f}x slower /"
            f" {_ratio(d['cpu'], bare_pdfium['cpu']):5.1f}x      <= 10x slower")
        say(f"  pdfplumber ingest vs default:      {_ratio(runs['pdfplumber']['wall'], d['wall']):5.1f}x slower /"
            f" {_ratio(runs['pdfplumber']['cpu'], d['cpu']):5.1f}x")
        say(f"  the same without interpreter start-up and imports (time inside the call, CPU):")
        say(f"    default ingest {d['call_cpu']:.2f} s: {_ratio(bare_plumber['call_cpu'], d['call_cpu']):.1f}x faster"
            f" than bare pdfplumber ({bare_plumber['call_cpu']:.2f} s),"
            f" {_ratio(d['call_cpu'], bare_pdfium['call_cpu']):.1f}x slower than bare pypdfium2"
            f" ({bare_pdfium['call_cpu']:.2f} s)")
        say(f"  peak memory, default ingest:       {d['rss_mb']:6.0f} MB                 < 500 MB")
        # Reports of one series repeat one another: each new one is linked to the earlier
        # ones (spaCy lemmas, rapidfuzz). Copies of the report are the extreme case.
        triple = tmp / "triple"
        triple.mkdir()
        for k in range(3):
            for p in pdfs:
                shutil.copy(p, triple / f"copie{k}-{Path(p).name}")
        t3 = probe("ingest", paths=[str(triple)], db=str(tmp / "triple.db"), backend="pdfium", **common)
        say(f"  3 copies in one batch, each linked to the others: {t3['cpu']:.2f} s CPU,"
            f" {(t3['cpu'] - d['cpu']) / 2:.2f} s per copy after the first (spaCy loaded for linking)")
        say("")

        say("What footnotes and tables cost (extractors on one read Document, CPU s, best of 3)")
        st = probe("stages", paths=pdfs)
        say(f"  all extractors {st['all']:.2f} s; without tables {st['no_tables']:.2f} s;"
            f" without footnotes {st['no_footnotes']:.2f} s; without both {st['neither']:.2f} s")
        say(f"  tables add {st['all'] - st['no_tables']:+.2f} s, footnotes add {st['all'] - st['no_footnotes']:+.2f} s"
            f" ({100 * (st['all'] - st['neither']) / d['cpu']:.0f}% of the default ingest's CPU)")
        say(f"  rest of the default ingest: layout {layout['cpu']:.2f} s, extractors {st['all']:.2f} s,"
            f" start-up, imports, storage and linking {d['cpu'] - layout['cpu'] - st['all']:.2f} s")
        say("")

        say("Incremental re-ingest (skip path)")
        again = probe("ingest", paths=pdfs, db=str(tmp / "pdfium-0.db"), backend="pdfium", **common)
        say(f"  re-ingest of the unchanged corpus: {again['call']:.3f} s in ingest(), {again['wall']:.2f} s"
            f" with interpreter start-up ({again['skipped']} skipped, {again['ingested']} ingested)")
        copies = tmp / "copies"
        copies.mkdir()
        small = concatenated(pdfs[0], 2, str(tmp / "small.pdf"))
        for i in range(100):
            shutil.copy(small, copies / f"rapport-{i:03d}.pdf")
        first = probe("ingest", paths=[str(copies)], db=str(tmp / "copies.db"), backend="pdfium",
                      **dict(common, jobs=2, timeout=600, max_memory=2048))
        second = probe("ingest", paths=[str(copies)], db=str(tmp / "copies.db"), backend="pdfium", **common)
        say(f"  100 two-page reports: first ingest {first['wall']:.1f} s (jobs=2, {first['ingested']} ingested)")
        say(f"  re-ingest of the 100 unchanged reports: {second['call']:.3f} s in ingest()"
            f" ({second['skipped']} skipped; {second['wall']:.2f} s with start-up)      goal < 1 s per 100 reports")
        for label, r in (("re-ingest", again), ("first ingest of 100", first), ("re-ingest of 100", second)):
            if r["failed"]:
                say(f"  note: {label}: {len(r['failed'])} failure(s), first: {r['failed'][0]}")
        say("")

        # Before the linking lines: those load the French model into this process, and a
        # probe started after it would report this process's peak (Linux keeps a process's
        # peak resident size across fork and exec).
        if not quick:
            say("Peak memory on a 300-page report (demo pages concatenated)")
            big = concatenated(pdfs[0], 300, str(tmp / "rapport-300-pages.pdf"))
            r300 = probe("ingest", paths=[big], db=str(tmp / "big.db"), backend="pdfium",
                         **dict(common, timeout=1800, max_memory=4096))
            say(f"  300 pages: {r300['wall']:.1f} s wall, {300 / r300['wall']:.1f} pages/s,"
                f" {r300['rss_mb']:.0f} MB peak (parent and worker)      goal < 500 MB")
            if r300["failed"]:
                say(f"  note: failures: {r300['failed']}")
            say("")

        from pipeline.bench_links import lines as link_lines

        for line in link_lines():
            say(line)
        say("")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("pdfs", nargs="*", help=f"PDFs to measure (default: {DEMO.name})")
    parser.add_argument("--quick", action="store_true", help="One round of each probe, and no 300-page memory run.")
    parser.add_argument("--links-only", action="store_true", help="Only what linking adds per report (100-report database).")
    args = parser.parse_args(argv)
    if args.links_only:
        from pipeline.bench_links import lines as link_lines

        for line in link_lines():
            print(line, flush=True)
        return 0
    pdfs = [str(Path(p).resolve()) for p in args.pdfs] or [str(DEMO)]
    missing = [p for p in pdfs if not Path(p).is_file()]
    if missing:
        print(f"error: no such PDF: {', '.join(missing)}", file=sys.stderr)
        return 2
    run(pdfs, quick=args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
