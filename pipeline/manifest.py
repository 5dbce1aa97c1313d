"""Optional report metadata a user supplies: corpus/manifest.csv (file, title, date, series, url)."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterable

FIELDS = ("title", "date", "series", "url")


def load_manifest(path: Path) -> dict[str, dict]:
    """file name -> overrides, from one manifest.csv (missing cells are ignored)."""
    out: dict[str, dict] = {}
    with open(path, newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            name = (row.get("file") or "").strip()
            if name:
                out[Path(name).name] = {k: row[k].strip() for k in FIELDS if (row.get(k) or "").strip()}
    return out


def load_manifest_for(paths: Iterable[str]) -> dict[str, dict]:
    """Merge the manifest.csv of every folder given (and of each file's folder)."""
    merged: dict[str, dict] = {}
    folders = {Path(p) if Path(p).is_dir() else Path(p).parent for p in paths}
    for folder in sorted(folders):
        manifest = folder / "manifest.csv"
        if manifest.exists():
            merged.update(load_manifest(manifest))
    return merged
