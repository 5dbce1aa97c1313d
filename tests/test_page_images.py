"""The page-image route is bounded: huge pages scaled down, a cache with a size limit,
404 for what is not a served suivi database, and nothing of the URL echoed."""
from __future__ import annotations

import asyncio
import io
import os
import time

import pytest
from fpdf import FPDF
from PIL import Image

from pipeline.extract import ExtractSettings
from pipeline.ingest import ingest
from pipeline.page_images import (MAX_PIXELS, MAX_SIDE, Highlight, PageImageError, bounded_scale,
                                  highlighted_page, prune_cache, render_page)
from tests.test_robustness import text_pdf


def poster(path, mm: float = 5000.0):
    """One 5 m x 5 m page with a little text near its top-left corner."""
    pdf = FPDF(unit="mm", format=(mm, mm))
    pdf.add_page()
    pdf.set_font("Helvetica", size=200)
    pdf.text(100, 200, "Affiche")
    pdf.output(str(path))
    return path


def test_bounded_scale_keeps_normal_pages_and_shrinks_huge_ones():
    assert bounded_scale(595, 842, 1.5) == 1.5  # A4 at the default scale
    s = bounded_scale(14173, 14173, 1.5)  # 5 m x 5 m in points
    assert 14173 * s <= MAX_SIDE + 1 and (14173 * s) ** 2 <= MAX_PIXELS + 3 * MAX_SIDE
    long = bounded_scale(600, 60000, 1.5)
    assert 60000 * long <= MAX_SIDE + 1


def test_a_huge_page_renders_small_and_its_highlight_lands(tmp_path):
    pdf = poster(tmp_path / "affiche.pdf")
    base = render_page(pdf, 1, tmp_path / "cache", "affiche")
    with Image.open(base) as im:
        width, height = im.size
    assert max(width, height) <= MAX_SIDE and width * height <= MAX_PIXELS
    box = Highlight(1000.0, 1000.0, 6000.0, 3000.0)  # points
    png = highlighted_page(base, box)
    with Image.open(io.BytesIO(png)) as im:
        scale = width / 14173.2
        inside = im.convert("RGB").getpixel((int(3000 * scale), int(2000 * scale)))
        outside = im.convert("RGB").getpixel((int(10000 * scale), int(10000 * scale)))
    assert outside == (255, 255, 255) and inside != outside and inside[2] < inside[0]  # yellow


def test_the_cache_keeps_under_its_limit(tmp_path):
    cache = tmp_path / "cache"
    (cache / "r").mkdir(parents=True)
    for i in range(50):
        path = cache / "r" / f"1@1.5-{i:02d}.png"
        path.write_bytes(b"x" * 1000)
        os.utime(path, ns=(time.time_ns(), 1_000_000_000 * i))
    removed = prune_cache(cache, max_bytes=20_000)
    left = sorted(p.name for p in (cache / "r").iterdir())
    assert removed == 34 and len(left) == 16 and left[0] == "1@1.5-34.png"  # oldest went first
    assert prune_cache(cache, max_bytes=20_000) == 0


@pytest.mark.parametrize("args", [{"x0": "nan", "top": "1", "x1": "2", "bottom": "3"},
                                  {"x0": "<b>", "top": "1", "x1": "2", "bottom": "3"}])
def test_bad_boxes_are_refused_without_echo(args):
    with pytest.raises(PageImageError) as err:
        Highlight.parse(args)
    assert "<b>" not in str(err.value) and "nan" not in str(err.value)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from datasette.app import Datasette

    folder = tmp_path_factory.mktemp("served")
    text_pdf(folder / "rapport.pdf")
    db = folder / "reports.db"
    ingest([str(folder / "rapport.pdf")], str(db), ExtractSettings())
    return Datasette([str(db)])


def get(ds, path: str):
    return asyncio.run(ds.client.get(path))


@pytest.mark.parametrize("path, status, message", [
    ("/-/suivi/page/rapport/1.png", 200, None),
    ("/-/suivi/page/rapport/1.png?db=_internal", 404, "no such database"),
    ("/-/suivi/view/rapport/1?db=_internal", 404, "no such database"),
    ("/-/suivi/page/rapport/1.png?db=%3Cscript%3Ealert(1)%3C/script%3E", 404, "no such database"),
    ("/-/suivi/page/%3Cscript%3Ex/1.png", 404, "no report with this id"),
    ("/-/suivi/page/rapport/1.png?x0=%3Cscript%3E&top=1&x1=2&bottom=3", 404, "bbox must be four numbers"),
])
def test_the_route_answers_404_without_echo(served, path, status, message):
    resp = get(served, path)
    assert resp.status_code == status
    if message:
        assert resp.text == message or resp.text.startswith(message)
        assert "script" not in resp.text and "_internal" not in resp.text
    else:
        assert resp.headers["content-type"] == "image/png"
