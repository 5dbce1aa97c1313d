"""The fault campaign, seeded and bounded: damaged inputs, kill -9, concurrent writers,
a reader during an ingest.

Each test prints its figures (run with -s to see them); FAULT_SEED changes the seed.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.fixtures.builder import build_pdf
from tests.fixtures.examples import example
from tests.paths import REAL
from tests.test_reliability import children, wait_gone

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SEED = int(os.environ.get("FAULT_SEED", "15"))
# Small real PDFs (under 350 KB): the campaign is about the batch, not about big files.
SOURCES = ("pdfplumber-tests-issue-1054-example.pdf", "fr-ca-quebec-pv-comite-demolition-2023.pdf",
           "pdfplumber-tests-senate-expenditures.pdf", "us-census-stat-abstract-table-12s0324.pdf",
           "gao-08-587t-testimony-gao-act-2008.pdf", "pdfplumber-tests-issue-192-example.pdf",
           "tsb-ca-a11f0012-aviation-2012.pdf", "za-parliament-brrr-finance-2023.pdf")
FAMILIES = ("flip", "truncate", "stream", "xref")
PER_FAMILY = 52  # 208 damaged inputs


def cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from pipeline.cli import main; main()", *args]


def suivi(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(cli(*args), capture_output=True, text=True, cwd=ROOT, timeout=timeout)


# ---------------------------------------------------------------- damage generators
def flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(out))
        out[i] ^= rng.randint(1, 255)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[:int(len(data) * rng.uniform(0.05, 0.98))]


def stream(data: bytes, rng: random.Random) -> bytes:
    """Overwrite a few bytes inside one stream's data."""
    spans = [(m.end(), data.find(b"endstream", m.end())) for m in re.finditer(rb"stream\r?\n", data)]
    spans = [(a, b) for a, b in spans if b - a > 8]
    if not spans:
        return flip(data, rng)
    a, b = rng.choice(spans)
    i = rng.randrange(a, b - 4)
    n = rng.randint(1, min(16, b - i))
    return data[:i] + bytes(rng.randrange(256) for _ in range(n)) + data[i + n:]


def xref(data: bytes, rng: random.Random) -> bytes:
    """Break the cross-reference data (table or stream): the startxref offset, bytes of the
    section it points at, or the whole section."""
    m = list(re.finditer(rb"startxref\s+(\d+)", data))
    if not m:
        return flip(data, rng)
    last = m[-1]
    kind = rng.choice(("offset", "table", "remove"))
    if kind == "offset":
        new = str(rng.choice((0, rng.randrange(len(data)), 999999999))).encode()
        return data[:last.start(1)] + new + data[last.end(1):]
    start, end = int(last[1]), last.start()
    if not 0 < start < end:
        return flip(data, rng)
    if kind == "remove":
        return data[:start] + data[end:]
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        out[rng.randrange(start, min(end, start + 4096))] = rng.choice(b"0123456789 xX\n")
    return bytes(out)


DAMAGE = {"flip": flip, "truncate": truncate, "stream": stream, "xref": xref}


def damaged_inputs(folder: Path, seed: int = SEED) -> dict[str, str]:
    """Write PER_FAMILY damaged copies per family into `folder`; file name -> family."""
    rng = random.Random(seed)
    originals = {name: (REAL / name).read_bytes() for name in SOURCES}
    made = {}
    for family in FAMILIES:
        for k in range(PER_FAMILY):
            source = SOURCES[k % len(SOURCES)]
            name = f"{family}-{k:03d}-{source[:28]}.pdf"
            (folder / name).write_bytes(DAMAGE[family](originals[source], rng))
            made[name] = family
    return made


def test_damaged_inputs_never_abort_the_batch(tmp_path):
    folder = tmp_path / "damaged"
    folder.mkdir()
    made = damaged_inputs(folder)
    db = tmp_path / "faults.db"
    proc = suivi("ingest", str(folder), "--db", str(db), "--jobs", "2", "-q", "--timeout", "120")
    assert "Traceback" not in proc.stderr and proc.returncode in (0, 1)
    summary = proc.stderr.strip().splitlines()[-1]
    m = re.fullmatch(r"ingested (\d+), skipped (\d+) unchanged, failed (\d+) -> .*", summary)
    assert m, summary
    ingested, skipped, failed = map(int, m.groups())
    assert ingested + skipped + failed == len(made) >= 200  # every file accounted for
    failed_lines = [line for line in proc.stderr.splitlines() if line.startswith("failed: ")]
    assert len(failed_lines) == failed
    named = {name for name in made if any(f"/{name}: " in line for line in failed_lines)}
    assert len(named) == failed  # every failure names its file, and says why
    assert all(re.search(r"\.pdf: \S.*", line) for line in failed_lines)
    conn = sqlite3.connect(db)
    stored = dict(conn.execute("SELECT file_name, status FROM reports"))
    failures = {r[0] for r in conn.execute("SELECT file_name FROM failures")}
    assert failures == named and set(stored) | failures == set(made) and not set(stored) & failures
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT count(*) FROM pending_links").fetchone() == (0,)
    figures = {family: Counter() for family in FAMILIES}
    for name, family in made.items():
        figures[family]["tried"] += 1
        figures[family]["failed" if name in failures else stored[name]] += 1
    report = {family: dict(c) for family, c in figures.items()}
    print("\nfault campaign:", json.dumps(report, sort_keys=True))
    total = sum((figures[f] for f in FAMILIES), Counter())
    print(f"fault campaign total: tried {total['tried']}, ok {total['ok']}, partial {total['partial']}, "
          f"repaired {total['repaired']}, failed {total['failed']}")
    # stream and xref damage is found by the checks, so few such copies pass as plain "ok"
    assert figures["stream"]["repaired"] + figures["stream"]["failed"] > figures["stream"]["ok"]
    assert figures["xref"]["ok"] < figures["xref"]["tried"] / 2


# ---------------------------------------------------------------- kill -9 and convergence
@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    """Five generated reports, whose recommendations link to each other."""
    folder = tmp_path_factory.mktemp("kill-corpus")
    for i, variant in enumerate(("classic", "small-headings", "list-at-end", "split-summary", "tables")):
        report, layout = example(variant)
        build_pdf(report, layout, folder / f"igas-{2015 + i}-{variant}.pdf")
    return folder


def content(db: Path) -> dict:
    """What an ingest leaves: reports, per-table row counts, links, statuses, pending."""
    conn = sqlite3.connect(db)
    try:
        out = {"reports": sorted(conn.execute("SELECT id, file_name, sha256, status, page_count, duplicate_of "
                                              "FROM reports"))}
        for table in ("pages", "sections", "footnotes", "report_tables", "recommendations",
                      "recommendation_owners", "quality", "failures"):
            out[table] = sorted(conn.execute(f"SELECT report_id, count(*) FROM [{table}] GROUP BY report_id")) \
                if table != "failures" else sorted(conn.execute("SELECT file_name FROM failures"))
        out["links"] = sorted(conn.execute("SELECT from_id, to_id, kind, round(similarity, 6) "
                                           "FROM recommendation_links"))
        out["statuses"] = sorted(conn.execute("SELECT id, status FROM statuses"))
        out["latest"] = sorted(conn.execute("SELECT * FROM latest_statuses"))
        out["pending"] = conn.execute("SELECT count(*) FROM pending_links").fetchone()[0]
        out["integrity"] = conn.execute("PRAGMA integrity_check").fetchone()[0]
        return out
    finally:
        conn.close()


def test_kill9_at_random_moments_then_rerun_converges(small_corpus, tmp_path):
    reference = tmp_path / "reference.db"
    started = time.monotonic()
    proc = suivi("ingest", str(small_corpus), "--db", str(reference), "--jobs", "2", "-q")
    duration = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    expected = content(reference)
    assert expected["links"] and expected["pending"] == 0  # there is linking work to lose
    rng = random.Random(SEED)
    moments = []
    for trial in range(10):
        db = tmp_path / f"killed-{trial}.db"
        run = subprocess.Popen(cli("ingest", str(small_corpus), "--db", str(db), "--jobs", "2", "-q"),
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        moment = rng.uniform(0.2, duration)
        workers: set[int] = set()
        deadline = time.monotonic() + moment
        while time.monotonic() < deadline and run.poll() is None:
            workers |= children(run.pid)
            time.sleep(0.05)
        if run.poll() is None:  # a run may finish before the moment drawn (machine load varies)
            os.kill(run.pid, signal.SIGKILL)
        run.wait()
        assert wait_gone(workers) == set(), f"trial {trial}: orphaned workers after kill -9"
        moments.append(round(moment, 2))
        again = suivi("ingest", str(small_corpus), "--db", str(db), "--jobs", "2", "-q")
        assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr
        assert content(db) == expected, f"trial {trial}: killed at {moment:.2f} s, the re-run differs"
    print(f"\nkill -9 at {moments} s of a {duration:.1f} s ingest: 10 re-runs converged")


def test_two_ingests_on_a_new_database_both_complete(small_corpus, tmp_path):
    files = sorted(small_corpus.glob("*.pdf"))
    half_a, half_b = tmp_path / "a", tmp_path / "b"
    half_a.mkdir()
    half_b.mkdir()
    for f in files[:4]:
        shutil.copy(f, half_a)
    for f in files[3:]:  # one file in both
        shutil.copy(f, half_b)
    db = tmp_path / "shared.db"
    runs = [subprocess.Popen(cli("ingest", str(half), "--db", str(db), "-q"), cwd=ROOT,
                             stderr=subprocess.PIPE, text=True) for half in (half_a, half_b)]
    outputs = [r.communicate(timeout=600)[1] for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outputs
    assert all("Traceback" not in o for o in outputs)
    got = content(db)
    assert len(got["reports"]) == len(files) and got["pending"] == 0 and got["integrity"] == "ok"


def test_a_reader_during_an_ingest_sees_the_old_or_the_new_report(small_corpus, tmp_path):
    """Datasette serving the database mutable (as `suivi serve` does) while a changed
    file replaces its report and new reports arrive."""
    from datasette.app import Datasette

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(small_corpus / "igas-2015-classic.pdf", folder / "rapport.pdf")
    db = tmp_path / "served.db"
    assert suivi("ingest", str(folder), "--db", str(db), "-q").returncode == 0
    shutil.copy(small_corpus / "igas-2017-list-at-end.pdf", folder / "rapport.pdf")  # changed
    for f in ("igas-2018-split-summary.pdf", "igas-2019-tables.pdf"):
        shutil.copy(small_corpus / f, folder / f)
    sql = ("SELECT (SELECT sha256 FROM reports WHERE id = 'rapport') AS sha, "
           "(SELECT count(*) FROM recommendations WHERE report_id = 'rapport') AS recs, "
           "(SELECT count(*) FROM pages WHERE report_id = 'rapport') AS pages, "
           "(SELECT page_count FROM reports WHERE id = 'rapport') AS page_count, "
           "(SELECT count(*) FROM reports) AS reports")
    ds = Datasette([str(db)], settings={"sql_time_limit_ms": 5000})

    async def poll() -> tuple[list[tuple], list[str]]:
        answers, errors = [], []
        writer = subprocess.Popen(cli("ingest", str(folder), "--db", str(db), "-q"), cwd=ROOT,
                                  stderr=subprocess.DEVNULL)
        while True:
            done = writer.poll() is not None
            resp = await ds.client.get("/served.json", params={"sql": sql, "_shape": "array"})
            if resp.status_code != 200:
                errors.append(f"{resp.status_code}: {resp.text[:200]}")
            else:
                row = resp.json()[0]
                answers.append((row["sha"], row["recs"], row["pages"], row["page_count"], row["reports"]))
            if done:
                return answers, errors
            await asyncio.sleep(0.05)

    answers, errors = asyncio.run(poll())
    assert errors == []
    old, new = (hashlib.sha256((small_corpus / f).read_bytes()).hexdigest()
                for f in ("igas-2015-classic.pdf", "igas-2017-list-at-end.pdf"))
    by_sha: dict[str, set] = {}
    for sha, recs, pages, page_count, _ in answers:
        assert sha in (old, new) and pages == page_count, "a report seen half-written"
        by_sha.setdefault(sha, set()).add((recs, pages))
    assert all(len(v) == 1 for v in by_sha.values()), f"mixed answers: {by_sha}"
    assert answers[0][0] == old and answers[-1][0] == new and answers[-1][4] == 3, \
        "the new reports did not appear without a restart"
    print(f"\nreader: {len(answers)} answers during the ingest, 0 errors; old report "
          f"{by_sha[old]} then new {by_sha[new]} (recommendations, pages)")
