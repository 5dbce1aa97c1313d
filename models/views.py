"""SQL views for the common questions; recreated on every migration."""
from __future__ import annotations

import sqlite_utils

VIEWS: dict[str, str] = {}


def create_views(db: sqlite_utils.Database) -> None:
    for name, sql in VIEWS.items():
        db.execute(f"DROP VIEW IF EXISTS [{name}]")
        db.execute(f"CREATE VIEW [{name}] AS {sql}")
