"""Plain-string URLs for links made per cell or per row.

`datasette.urls` returns `PrefixedUrlString`s, whose every attribute access calls
`dir(str)`: on a 1,000-row page that was a tenth of the time. These build the same URLs
(base_url prefix, tilde-encoded names and keys) as plain strings.
"""
from __future__ import annotations

from datasette.utils import tilde_encode


def path(datasette, p: str) -> str:
    return str(datasette.setting("base_url")) + p.lstrip("/")


def table(datasette, database: str, name: str) -> str:
    return path(datasette, f"{tilde_encode(datasette.get_database(database).route)}/{tilde_encode(name)}")


def row(datasette, database: str, name: str, pk: str) -> str:
    return f"{table(datasette, database, name)}/{tilde_encode(str(pk))}"
