"""A stemmed full-text index beside the exact one, so "mineur" finds "mineurs".

The exact indexes (`<table>_fts`, `unicode61 remove_diacritics 2`) match words as
written. Readers type a singular, a stem or a prefix; the `<table>_fts_fr` indexes run
the same text through FTS5's `porter` stemmer on top of `unicode61 remove_diacritics 2`.
Porter is an English stemmer, but the endings it strips (plural -s, -ement, -ation, -e)
are the French ones that matter for search: "mineurs" and "mineur" share "mineur",
"hébergements" and "hébergement" share "heberg". Both sides of a match are stemmed by
the tokenizer, so a table's own `?_search=` works on it unchanged.

They are external-content tables kept current by triggers, as sqlite-utils does for
the exact ones.
"""
from __future__ import annotations

import sqlite3

STEM_TOKENIZE = "porter unicode61 remove_diacritics 2"
STEM_SUFFIX = "_fts_fr"
STEM_COLUMNS: dict[str, list[str]] = {
    "recommendations": ["text", "summary_text", "owner", "theme"],
    "pages": ["text"],
    "sections": ["title", "text"],
    "footnotes": ["text"],
}


def stem_table(table: str) -> str:
    return table + STEM_SUFFIX


def create_stem_indexes(conn: sqlite3.Connection) -> list[str]:
    """Create (and fill) the missing stemmed indexes and their triggers; returns the new ones."""
    have = {n for (n,) in conn.execute("SELECT name FROM sqlite_master")}
    created = []
    for table, cols in STEM_COLUMNS.items():
        fts = stem_table(table)
        if fts in have or table not in have:
            continue
        c = ", ".join(f"[{x}]" for x in cols)
        new = ", ".join(f"new.[{x}]" for x in cols)
        old = ", ".join(f"old.[{x}]" for x in cols)
        conn.execute(f"CREATE VIRTUAL TABLE [{fts}] USING FTS5 ({c}, content=[{table}], "
                     f"tokenize='{STEM_TOKENIZE}')")
        conn.execute(f"CREATE TRIGGER [{fts}_ai] AFTER INSERT ON [{table}] BEGIN "
                     f"INSERT INTO [{fts}] (rowid, {c}) VALUES (new.rowid, {new}); END")
        conn.execute(f"CREATE TRIGGER [{fts}_ad] AFTER DELETE ON [{table}] BEGIN "
                     f"INSERT INTO [{fts}] ([{fts}], rowid, {c}) VALUES ('delete', old.rowid, {old}); END")
        conn.execute(f"CREATE TRIGGER [{fts}_au] AFTER UPDATE ON [{table}] BEGIN "
                     f"INSERT INTO [{fts}] ([{fts}], rowid, {c}) VALUES ('delete', old.rowid, {old}); "
                     f"INSERT INTO [{fts}] (rowid, {c}) VALUES (new.rowid, {new}); END")
        conn.execute(f"INSERT INTO [{fts}] ([{fts}]) VALUES ('rebuild')")
        created.append(fts)
    return created
