"""The tracker round trip: `suivi export --tracker` -> edit one status -> `suivi status import`."""
from __future__ import annotations

import csv
import datetime as dt
import sqlite3

import pytest

from models.errors import BadStatusFile
from models.schema import open_db
from pipeline.export import export_tracker
from pipeline.statuses import import_statuses
from tests.test_publish import build_publish_db


@pytest.fixture()
def built(tmp_path):
    return build_publish_db(tmp_path)


def statuses(path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM statuses ORDER BY id").fetchall()
    finally:
        conn.close()


def read(path, excel=False) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8-sig" if excel else "utf-8") as fh:
        rows = list(csv.reader(fh, delimiter=";" if excel else ","))
    return rows[0], rows[1:]


def write(path, header, rows, excel=False) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig" if excel else "utf-8") as fh:
        csv.writer(fh, delimiter=";" if excel else ",").writerows([header, *rows])


@pytest.mark.parametrize("excel", [False, True])
def test_unchanged_tracker_imports_nothing(built, tmp_path, excel):
    out = export_tracker(str(built.path), str(tmp_path / "t.csv"), excel=excel)
    header, rows = read(out, excel)
    by_id = {r[header.index("identifiant")]: r for r in rows}
    old = f"{'igas-2019-violences'}:r1"
    # French labels in the file, codes in the database.
    assert by_id[old][header.index("dernier_statut")] == "mise en œuvre"
    assert by_id[old][header.index("statut_au")] == "2021-06"
    before = statuses(built.path)
    db = open_db(str(built.path))
    try:
        assert import_statuses(db, out) == 0
    finally:
        db.conn.close()
    assert statuses(built.path) == before


@pytest.mark.parametrize("excel", [False, True])
def test_one_edited_status_is_imported_and_becomes_the_latest(built, tmp_path, excel):
    out = export_tracker(str(built.path), str(tmp_path / "t.csv"), excel=excel)
    header, rows = read(out, excel)
    col, ids = header.index("dernier_statut"), header.index("identifiant")
    target = "igas-2019-violences:r2"  # latest: non mise en œuvre (2021-06)
    for r in rows:
        if r[ids] == target:
            assert r[col] == "non mise en œuvre"
            r[col] = "partiellement mise en œuvre"
    write(out, header, rows, excel)
    n_before = len(statuses(built.path))
    db = open_db(str(built.path))
    try:
        assert import_statuses(db, out) == 1
        row = db.execute("SELECT status, statut, as_of, assessed_by, n_statuses FROM latest_statuses "
                         "WHERE recommendation_id = ?", [target]).fetchone()
    finally:
        db.conn.close()
    assert row == ("partially_implemented", "partiellement mise en œuvre", dt.date.today().isoformat(),
                   "tableau de suivi", 2)
    assert len(statuses(built.path)) == n_before + 1
    # The file exported now imports back with no change.
    again = export_tracker(str(built.path), str(tmp_path / "t2.csv"), excel=excel)
    db = open_db(str(built.path))
    try:
        assert import_statuses(db, again) == 0
    finally:
        db.conn.close()


def test_bad_lines_are_listed_and_nothing_is_imported(built, tmp_path):
    out = export_tracker(str(built.path), str(tmp_path / "t.csv"))
    header, rows = read(out)
    rows[0][header.index("dernier_statut")] = "peut-être"
    rows[2][header.index("identifiant")] = "nulle-part:r9"
    rows[1][header.index("dernier_statut")] = "en cours"
    write(out, header, rows)
    before = statuses(built.path)
    db = open_db(str(built.path))
    try:
        with pytest.raises(BadStatusFile) as err:
            import_statuses(db, out)
    finally:
        db.conn.close()
    message = str(err.value)
    assert "t.csv:line 2: unknown status term 'peut-être'" in message
    assert "t.csv:line 4: unknown recommendation 'nulle-part:r9'" in message
    assert "line 3" not in message and statuses(built.path) == before
