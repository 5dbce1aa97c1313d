"""Publish the database with Datasette: metadata (titles, facets, FTS) and `suivi serve`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def build_metadata(db_name: str = "reports") -> dict:
    """Datasette metadata: written by the project, never maintained by hand."""
    return {
        "title": "suivi — recommandations des rapports d'inspection",
        "description": "Sections, recommandations, notes de bas de page et tableaux extraits des rapports "
                       "d'inspection (IGAS, IGA, IGJ, IGF, Cour des comptes…), avec leur page.",
        "databases": {
            db_name: {
                "tables": {
                    "reports": {"title": "Rapports", "sort_desc": "date",
                                "facets": ["year", "series"]},
                    "recommendations": {"title": "Recommandations", "sort": "position",
                                        "facets": ["report_id", "theme"],
                                        "fts_table": "recommendations_fts", "fts_pk": "id"},
                    "sections": {"title": "Sections", "sort": "position", "facets": ["report_id", "kind", "level"]},
                    "footnotes": {"title": "Notes de bas de page", "sort": "position", "facets": ["report_id"]},
                    "report_tables": {"title": "Tableaux", "sort": "position", "facets": ["report_id"]},
                    "pages": {"title": "Pages", "sort": "page", "facets": ["report_id"]},
                },
            }
        },
    }


def write_metadata(path: str, db_name: str = "reports") -> str:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(build_metadata(db_name), fh, ensure_ascii=False, indent=2)
    return path


def serve(db_path: str, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Run Datasette on the database, read-only (immutable), until interrupted."""
    if not Path(db_path).exists():
        raise FileNotFoundError(f"{db_path}: no such database (run `suivi ingest corpus/` first)")
    db_name = Path(db_path).stem
    meta = write_metadata(str(Path(db_path).with_suffix(".metadata.json")), db_name)
    cmd = [sys.executable, "-m", "datasette", "serve", "-i", db_path, "-m", meta,
           "--host", host, "--port", str(port)]
    print(f"Serving {db_path} on http://{host}:{port}/ (Ctrl-C to stop)", file=sys.stderr)
    os.execv(sys.executable, cmd)
