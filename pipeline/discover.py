"""Find the PDFs to ingest and give each one a distinct identity.

Identity matters because the report id is derived from the file name: two different
files must never share one (they would overwrite each other, and each re-run would swap
which one survives), and the same file must keep its id from one run to the next.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from models.store import StoredReport


@dataclass(frozen=True)
class Candidate:
    path: str  # as the OS gives it (undecodable bytes kept by surrogateescape)
    file_name: str  # the key stored in reports.file_name: valid text, unique per file
    sha256: str
    size: int
    report_id: str = ""
    name_bytes: str | None = None  # hex of the file name's bytes when they are not UTF-8
    duplicate_of: str | None = None  # the report holding the same bytes under another name

    @property
    def shown(self) -> str:
        """The path as valid text, for messages and the database."""
        return display_text(self.path)


def display_text(text: str) -> str:
    """`text` made valid Unicode: bytes that were not UTF-8 are shown as \\xNN escapes."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def safe_name(path: Path) -> tuple[str, str | None]:
    """(file name as text, hex of its original bytes when they are not valid UTF-8)."""
    raw = os.fsencode(path.name)
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), raw.hex()


def real_path(path: str | Path) -> str:
    """The absolute path stored in reports.path (valid text)."""
    return display_text(os.path.realpath(path))


def discover(paths: Iterable[str]) -> list[Path]:
    """Files named on the command line, and every *.pdf below the folders named (sorted)."""
    found: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            items = sorted(x for x in p.rglob("*") if x.is_file() and x.suffix.lower() == ".pdf")
        elif p.exists():
            items = [p]
        else:
            raise FileNotFoundError(f"{display_text(str(raw))}: no such file or folder")
        for item in items:
            key = item.resolve()
            if key not in seen:
                seen.add(key)
                found.append(item)
    return found


def assign_identities(cands: Sequence[Candidate], stored: Mapping[str, StoredReport],
                      reserved: Iterable[str] = ()) -> tuple[list[Candidate], dict[str, str]]:
    """Give each candidate a unique file-name key and report id, and mark duplicates.

    Returns the candidates and a warning per candidate path whose identity needed a
    decision (same name in two folders, two names with one id, same bytes twice).
    `reserved` are ids taken by rows without a file (stubs of cited reports).
    Decisions are stable: what is stored keeps its key and id; among new files the
    first in path order keeps the plain name.
    """
    from models.store import name_hash, report_id_for

    warnings: dict[str, list[str]] = {}
    out = _distinct_names(cands, stored, warnings)
    used = {rid: "a report cited by another" for rid in reserved}
    used.update({k.id: k.file_name for k in stored.values()})
    with_ids = []
    for cand in out:
        if cand.file_name in stored:
            rid = stored[cand.file_name].id
        else:
            rid = report_id_for(cand.file_name)
            if used.get(rid, cand.file_name) != cand.file_name:
                other = used[rid]
                rid = f"{rid}-{name_hash(cand.file_name, 6)}"
                warnings.setdefault(cand.path, []).append(
                    f"report id {report_id_for(cand.file_name)!r} is already used by {other}; "
                    f"stored as {rid!r}")
        used[rid] = cand.file_name
        with_ids.append(replace(cand, report_id=rid))
    final = _mark_duplicates(with_ids, stored, warnings)
    return final, {path: "; ".join(msgs) for path, msgs in warnings.items()}


def _distinct_names(cands: Sequence[Candidate], stored: Mapping[str, StoredReport],
                    warnings: dict[str, list[str]]) -> list[Candidate]:
    """Files sharing a name in different folders: one keeps the name, the others get
    the shortest distinguishing end of their path ("b/x.pdf")."""
    by_name: dict[str, list[Candidate]] = {}
    for cand in cands:
        by_name.setdefault(cand.file_name, []).append(cand)
    renamed: dict[str, str] = {}
    for name, group in by_name.items():
        known = stored.get(name)
        keeper_path = None
        if known:  # the stored report's file: same path, else same bytes (a moved or copied folder)
            keeper_path = next((c.path for c in group if known.path and real_path(c.path) == known.path),
                               None) or next((c.path for c in group if c.sha256 == known.sha256), None)
            if keeper_path is None and known.path and os.path.exists(known.path):
                keeper_path = ""  # the stored file is still there: every candidate is another file
        if keeper_path is None:
            keeper_path = group[0].path
        for cand in group:
            if cand.path != keeper_path:
                renamed[cand.path] = _path_key(cand, {c.path for c in group} - {cand.path})
    out = []
    taken = set(by_name)
    for cand in cands:
        key = renamed.get(cand.path)
        if key is None:
            out.append(cand)
            continue
        while key in taken and key != cand.file_name:
            key = f"{Path(key).stem}-{cand.sha256[:6]}{Path(key).suffix}"
        taken.add(key)
        warnings.setdefault(cand.path, []).append(
            f"another file is also named {cand.file_name}; stored as {key}")
        out.append(replace(cand, file_name=key))
    return out


def _path_key(cand: Candidate, others: set[str]) -> str:
    """The shortest end of the path ("b/x.pdf") that no other path of the group shares."""
    parts = Path(display_text(os.path.abspath(cand.path))).parts
    other_parts = [Path(display_text(os.path.abspath(o))).parts for o in others]
    for k in range(2, len(parts) + 1):
        tail = parts[-k:]
        if all(op[-k:] != tail for op in other_parts):
            return "/".join(tail).lstrip("/")
    return "/".join(parts).lstrip("/")


def _mark_duplicates(cands: list[Candidate], stored: Mapping[str, StoredReport],
                     warnings: dict[str, list[str]]) -> list[Candidate]:
    """The same bytes under another name: kept as its own report, marked `duplicate_of`."""
    changing = {c.file_name for c in cands if c.file_name in stored and stored[c.file_name].sha256 != c.sha256}
    first: dict[str, tuple[str, str]] = {}  # sha256 -> (report id, file name)
    for k in sorted(stored.values(), key=lambda k: k.id):
        if k.duplicate_of is None and k.file_name not in changing:
            first.setdefault(k.sha256, (k.id, k.file_name))
    out = []
    for cand in cands:
        orig = first.get(cand.sha256)
        if orig is None or orig[0] == cand.report_id:
            first.setdefault(cand.sha256, (cand.report_id, cand.file_name))
            out.append(cand)
            continue
        warnings.setdefault(cand.path, []).append(
            f"same content as {orig[1]} (report {orig[0]}); stored as a duplicate of it")
        out.append(replace(cand, duplicate_of=orig[0]))
    return out
