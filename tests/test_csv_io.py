"""CSV that spreadsheets cannot execute, and status files in the encodings people have.

The bad files come from the fault campaign (../shared/corpus/bad); they name the dev
report's file, so the database here holds a report under that name with 16
recommendations.
"""
from __future__ import annotations

import codecs
import csv
import shutil

import pytest

from models.errors import BadStatusFile
from models.schema import open_db
from pipeline.csv_io import decode, neutralise, restore, sniff_delimiter
from pipeline.export import export_tables
from pipeline.statuses import CSV_COLUMNS, export_statuses, import_statuses
from tests.paths import REAL
from tests.test_link import JUSTICE, add_report, extraction
from tests.test_robustness import suivi

BAD = REAL.parent / "bad"
DEV = "igas-2019-prostitution.pdf"


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "s.db"
    db = open_db(str(path))
    add_report(db, extraction(DEV, "2019-12", [(n, f"Recommandation {n}", (JUSTICE,)) for n in range(1, 17)]))
    db.conn.close()
    return path


@pytest.fixture
def db(db_path):
    database = open_db(str(db_path))
    yield database
    database.conn.close()


@pytest.mark.parametrize("value, written", [
    ("=HYPERLINK(\"http://evil.example\")", "'=HYPERLINK(\"http://evil.example\")"),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+41 22 333", "'+41 22 333"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\tcaché", "'\tcaché"),
    ("\rretour", "'\rretour"),
    ("-12", "-12"), ("+3,5", "+3,5"), ("-0.25", "-0.25"),  # numbers stay numbers
    ("Décret n° 2021-1", "Décret n° 2021-1"), (-7, -7), (None, None),
])
def test_formula_cells_are_neutralised_and_numbers_kept(value, written):
    assert neutralise(value) == written
    if isinstance(value, str):
        assert restore(written) == value


def test_imported_formulas_are_exported_neutralised(db, tmp_path):
    assert import_statuses(db, BAD / "08-formulas.csv") == 2
    out = tmp_path / "statuses.csv"
    export_statuses(db, out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["assessed_by"].startswith("'=HYPERLINK(") and rows[0]["evidence"] == "'=1+2"
    assert rows[0]["original_target"] == "'+41 22 333" and rows[0]["revised_target"] == "'@SUM(A1:A2)"
    assert rows[1]["assessed_by"] == "'-2+3" and rows[1]["evidence"] == "'=cmd|' /C calc'!A0"
    # read back: the apostrophes go, the same rows are found
    assert import_statuses(db, out) == 2
    assert db.execute("SELECT evidence FROM statuses WHERE number = '8'").fetchone()[0] == "=cmd|' /C calc'!A0"


def test_excel_export_neutralises_pdf_text_too(db, db_path, tmp_path):
    db.execute("UPDATE recommendations SET text = '=1+1 formule', owner = '-12' WHERE number = '3'")
    import_statuses(db, BAD / "08-formulas.csv")
    export_tables(str(db_path), str(tmp_path / "out"), excel=True)
    recs = (tmp_path / "out" / "recommendations.csv").read_text(encoding="utf-8-sig")
    row = next(line for line in recs.splitlines() if "formule" in line).split(";")
    assert row[5] == "'=1+1 formule" and row[7] == "-12"  # text, owner
    tracker = (tmp_path / "out" / "suivi_des_recommandations.csv").read_text(encoding="utf-8-sig")
    assert "'=1+1 formule" in tracker and "=HYPERLINK" in tracker and ";=HYPERLINK" not in tracker
    statuses = (tmp_path / "out" / "statuses.csv").read_text(encoding="utf-8-sig")
    assert "'@SUM(A1:A2)" in statuses and ";@SUM" not in statuses


def test_latin1_status_file_is_read(db):
    assert import_statuses(db, BAD / "04-latin1.csv") == 2
    assert db.execute("SELECT source_term, evidence FROM statuses WHERE number = '4'").fetchone() == \
        ("réalisée", "décret")


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", codecs.BOM_UTF8),
                                           ("utf-16-le", codecs.BOM_UTF16_LE),
                                           ("utf-16-be", codecs.BOM_UTF16_BE), ("cp1252", b"")])
def test_status_file_encodings(db, tmp_path, encoding, bom):
    text = ("report;number;status;as_of;assessed_by;evidence\r\n"
            f"{DEV};2;mise en œuvre incomplète;2021;Cour des comptes;« Décret » – 2021\r\n")
    path = tmp_path / "statuts.csv"
    path.write_bytes(bom + text.encode(encoding))
    assert import_statuses(db, path) == 1
    assert db.execute("SELECT status, evidence FROM statuses").fetchone() == \
        ("partially_implemented", "« Décret » – 2021")


def test_the_separator_is_sniffed_on_the_header(db):
    assert sniff_delimiter("report,number,status") == "," and sniff_delimiter("report;number") == ";"
    assert sniff_delimiter("report\tnumber\tstatus") == "\t"
    assert import_statuses(db, BAD / "19-semicolon-in-text-comma-sep.csv") == 1
    assert db.execute("SELECT assessed_by FROM statuses").fetchone()[0].startswith("A; B; C;")


def test_a_large_field_is_accepted(db, tmp_path):
    path = tmp_path / "long.csv"
    evidence = "preuve " * 30000  # 210 KB, over the csv module's default 128 KB
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([CSV_COLUMNS, [DEV, "1", "en cours", "2022", "IGAS", evidence, "", ""]])
    assert import_statuses(db, path) == 1
    assert len(db.execute("SELECT evidence FROM statuses").fetchone()[0]) == len(evidence.strip())


def test_contradictory_duplicates_name_both_lines(db):
    with pytest.raises(BadStatusFile) as err:
        import_statuses(db, BAD / "07-duplicates.csv")
    assert "line 5: contradicts line 2: same report, number, as_of and assessed_by, but a different " \
           "status, evidence, original_target" in str(err.value)
    assert db.execute("SELECT count(*) FROM statuses").fetchone()[0] == 0


def test_identical_duplicates_count_once(db, tmp_path):
    path = tmp_path / "twice.csv"
    lines = (BAD / "07-duplicates.csv").read_text(encoding="utf-8").splitlines()[:4]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert import_statuses(db, path) == 1


def test_status_import_cli_reports_rows_stored(db_path, tmp_path):
    shutil.copy(BAD / "04-latin1.csv", tmp_path / "l.csv")
    proc = suivi("status", "import", str(tmp_path / "l.csv"), "--db", str(db_path))
    assert proc.returncode == 0 and f"imported 2 status rows from {tmp_path / 'l.csv'}" in proc.stderr


def test_binary_file_is_one_clear_error(db, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"r\x00e\x00p\x00")
    with pytest.raises(BadStatusFile, match="UTF-16 without a byte-order mark"):
        import_statuses(db, path)


def test_decode_falls_back_to_cp1252():
    assert decode("œuvre".encode("cp1252")) == ("œuvre", "cp1252")
    assert decode(b"\x81") == ("\x81", "latin-1")
