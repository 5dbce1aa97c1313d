"""Watched worker processes: one file at a time each, stopped past a time or memory limit.

A worker past its time limit or over its memory limit is killed, a worker the OS kills is
noticed, and in each case that one file gets a failure line while a fresh worker takes the
next file. Workers die with their parent (Linux parent-death signal), so a parent killed
with SIGKILL leaves no orphan blocked on writing its result.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Callable, Iterator

from pipeline.discover import Candidate

_POLL = 0.2  # seconds between checks of the running workers


@dataclass(frozen=True)
class Limits:
    """Per-file guards; None means no limit (and extraction may run in this process)."""

    timeout: float | None = None  # seconds
    max_memory_mb: int | None = None  # resident memory of the worker, in MB
    ocr: bool = False  # OCR image-only PDFs with ocrmypdf (pipeline.ocr)

    @property
    def needs_worker(self) -> bool:
        return self.timeout is not None or self.max_memory_mb is not None



def _worker_main(conn, max_memory_mb: int | None, parent: int | None, work: Callable) -> None:
    """A worker: extract the files the parent sends, one at a time, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's KeyboardInterrupt
    _die_with_parent(parent)
    if max_memory_mb:
        _cap_address_space(max_memory_mb)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if task is None:
            return
        conn.send(work(*task))


def _die_with_parent(parent: int | None) -> None:
    """Ask Linux to kill this worker when its parent dies (kill -9 included): without it,
    an orphaned worker blocked on writing its result would live forever."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent-pipe EOF still ends the loop
        return
    if parent is not None and os.getppid() != parent:  # the parent died before prctl
        os._exit(1)


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
    def __init__(self, ctx, max_memory_mb: int | None, work: Callable) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, max_memory_mb, os.getpid(), work), daemon=True,
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


class WorkerPool:
    """N worker processes, each given one file at a time, watched for time and memory.

    `work(candidate, settings, overrides, ocr, timeout)` runs in the worker and returns
    (rows, error): it must not raise.
    """

    def __init__(self, size: int, limits: Limits, work: Callable) -> None:
        methods = multiprocessing.get_all_start_methods()
        # fork: workers start in milliseconds and share the imported modules.
        self.ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.size = size
        self.limits = limits
        self.work = work

    def run(self, todo: list[Candidate], settings, override_of: Callable[[Candidate], dict | None]
            ) -> Iterator[tuple[Candidate, dict | None, str | None]]:
        pending = deque(todo)
        workers = [_Worker(self.ctx, self.limits.max_memory_mb, self.work) for _ in range(self.size)]
        try:
            while pending or any(w.task for w in workers):
                for i, w in enumerate(workers):
                    if w.task is None and pending:
                        cand = pending.popleft()
                        task = (cand, settings, override_of(cand), self.limits.ocr, self.limits.timeout)
                        try:
                            w.conn.send(task)
                        except (OSError, ValueError):  # an idle worker died: start a fresh one
                            w.stop(kill=True)
                            w = workers[i] = _Worker(self.ctx, self.limits.max_memory_mb, self.work)
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
                        workers[i] = _Worker(self.ctx, self.limits.max_memory_mb, self.work)
                    yield cand, rows, error
        finally:
            for w in workers:
                w.stop(kill=w.task is not None)

    def _check(self, w: _Worker):
        """((rows, error), replace_worker) once the worker's file is done or stopped."""
        path = w.task.shown
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
