"""Find the PDFs to ingest (ingest tells which ones changed since the last run)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


@dataclass(frozen=True)
class Candidate:
    path: str
    file_name: str
    sha256: str
    size: int


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
            raise FileNotFoundError(f"{raw}: no such file or folder")
        for item in items:
            key = item.resolve()
            if key not in seen:
                seen.add(key)
                found.append(item)
    return found
