"""Page images for provenance: a report page rendered with pypdfium2, an item's bbox highlighted.

Renders are cached on disk (`<cache>/<report_id>/<page>@<scale>.png`, by default in
`.suivi-cache/` next to the database); the highlight is drawn on a copy, cached per bbox, so
one cached render serves every item of the page. Coordinates are those of the database:
PDF points from the top-left corner of the page, pages 1-based.
"""
from __future__ import annotations

import hashlib
import io
import logging
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import pypdfium2 as pdfium
from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo

from extractors.layout import sha256_file
from models.errors import SuiviError

log = logging.getLogger(__name__)

DEFAULT_SCALE = 1.5  # 108 dpi: readable on screen, ~150 KB per page
MAX_SIDE = 3000  # pixels: a 5 m poster page is scaled down, not rendered at 3 GB
MAX_PIXELS = 3000 * 3000
MAX_CACHE_BYTES = 256 * 1024 * 1024  # renders and highlights kept on disk, oldest dropped first
_SCALE_KEY = "suivi-scale"  # PNG text chunk: the scale a render was actually made at
HIGHLIGHT_FILL = (255, 214, 0, 90)  # translucent yellow
HIGHLIGHT_OUTLINE = (230, 120, 0, 255)
MARGIN = 3.0  # points added around the bbox so the highlight does not cut the glyphs

_lock = threading.Lock()  # pdfium is not thread-safe; Datasette may render concurrently


class PageImageError(SuiviError):
    """A page image cannot be produced (PDF not found, page out of range, bad bbox)."""


@dataclass(frozen=True)
class Highlight:
    x0: float
    top: float
    x1: float
    bottom: float

    @classmethod
    def parse(cls, args: dict) -> "Highlight | None":
        """From query-string values; None when no bbox is given, an error when it is partial or bad."""
        keys = ("x0", "top", "x1", "bottom")
        given = [args.get(k) for k in keys]
        if all(v in (None, "") for v in given):
            return None
        try:
            x0, top, x1, bottom = (float(v) for v in given)
        except (TypeError, ValueError):
            raise PageImageError("bbox must be four numbers x0, top, x1, bottom") from None
        if not all(math.isfinite(v) for v in (x0, top, x1, bottom)):
            raise PageImageError("bbox must be four finite numbers x0, top, x1, bottom")
        if x1 < x0 or bottom < top:
            raise PageImageError("bbox is inverted: x1 < x0 or bottom < top")
        return cls(x0, top, x1, bottom)


def served_database(databases: Mapping[str, Any], name: str | None):
    """The database a page URL names (`?db=`): a served file, never Datasette's own
    `_internal`. Messages do not repeat what the URL said."""
    served = {n: d for n, d in databases.items() if not n.startswith("_") and getattr(d, "path", None)}
    if name:
        if name not in served:
            raise PageImageError("no such database")
        return served[name]
    if served:
        return next(iter(served.values()))
    raise PageImageError("no database is served")


def page_count(pdf_path: Path) -> int:
    with _lock:
        pdf = pdfium.PdfDocument(str(pdf_path))
        try:
            return len(pdf)
        finally:
            pdf.close()


def bounded_scale(width: float, height: float, scale: float) -> float:
    """`scale`, reduced so that a page of `width` x `height` points stays within
    MAX_SIDE pixels a side and MAX_PIXELS in all."""
    side = max(width, height, 1.0) * scale
    if side > MAX_SIDE:
        scale *= MAX_SIDE / side
    area = max(width, 1.0) * max(height, 1.0) * scale * scale
    if area > MAX_PIXELS:
        scale *= math.sqrt(MAX_PIXELS / area)
    return scale


def render_page(pdf_path: Path, page: int, cache_dir: Path, report_id: str,
                scale: float = DEFAULT_SCALE) -> Path:
    """PNG of physical page `page` (1-based), rendered once and cached; returns its path.

    A huge page is rendered at a smaller scale (`bounded_scale`); the scale used is kept
    in the PNG so highlights land on the right spot.
    """
    out = Path(cache_dir) / report_id / f"{page}@{scale:g}.png"
    if out.exists():
        return out
    with _lock:
        pdf = pdfium.PdfDocument(str(pdf_path))
        try:
            if not 1 <= page <= len(pdf):
                raise PageImageError(f"page {page} out of range (1-{len(pdf)})")
            pdf_page = pdf[page - 1]
            used = bounded_scale(*pdf_page.get_size(), scale)
            image = pdf_page.render(scale=used).to_pil()
        finally:
            pdf.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    info = PngInfo()
    info.add_text(_SCALE_KEY, repr(used))
    image.save(tmp, format="PNG", optimize=False, pnginfo=info)
    tmp.replace(out)  # atomic: a concurrent reader never sees half a file
    log.debug("rendered %s page %s to %s", pdf_path.name, page, out)
    prune_cache(Path(cache_dir))
    return out


def prune_cache(cache_dir: Path, max_bytes: int | None = None) -> int:
    """Drop the least recently written files until the cache holds at most 80% of
    `max_bytes` (MAX_CACHE_BYTES); returns the number of files removed."""
    limit = MAX_CACHE_BYTES if max_bytes is None else max_bytes
    files = []
    for path in Path(cache_dir).rglob("*.png"):
        try:
            st = path.stat()
        except OSError:
            continue
        files.append((st.st_mtime_ns, st.st_size, path))
    total = sum(size for _, size, _ in files)
    if total <= limit:
        return 0
    removed = 0
    for _, size, path in sorted(files, key=lambda f: f[0]):
        if total <= 0.8 * limit:
            break
        try:
            path.unlink()
        except OSError:
            continue
        total -= size
        removed += 1
    return removed


def highlighted_png(base_png: Path, box: Highlight | None, scale: float = DEFAULT_SCALE) -> bytes:
    """The cached render with `box` (PDF points, top-left origin) drawn over it, as PNG bytes."""
    with Image.open(base_png) as im:
        scale = float(im.info.get(_SCALE_KEY, scale))
        image = im.convert("RGBA")
    if box is not None:
        overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        rect = [(box.x0 - MARGIN) * scale, (box.top - MARGIN) * scale,
                (box.x1 + MARGIN) * scale, (box.bottom + MARGIN) * scale]
        draw.rectangle(rect, fill=HIGHLIGHT_FILL, outline=HIGHLIGHT_OUTLINE, width=3)
        image = Image.alpha_composite(image, overlay)
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="PNG")
    return buf.getvalue()


def highlighted_page(base_png: Path, box: Highlight | None, scale: float = DEFAULT_SCALE) -> bytes:
    """`highlighted_png`, cached next to the base render (one file per bbox)."""
    if box is None:
        return Path(base_png).read_bytes()
    key = hashlib.sha1(f"{box.x0:g},{box.top:g},{box.x1:g},{box.bottom:g}".encode()).hexdigest()[:12]
    out = Path(base_png).with_name(f"{Path(base_png).stem}-{key}.png")
    if out.exists():
        return out.read_bytes()
    data = highlighted_png(base_png, box, scale)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(out)
    prune_cache(Path(base_png).parent.parent)
    return data


def find_pdf(file_name: str, folders: list[Path], sha256: str | None = None) -> Path | None:
    """The PDF named `file_name` in one of `folders` (searched recursively).

    With `sha256`, a file of that name whose content differs is skipped (its bboxes would
    not match); when only such files exist, None.
    """
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        direct = folder / file_name
        candidates = [direct] if direct.is_file() else []
        candidates += [p for p in folder.rglob(file_name) if p != direct and p.is_file()]
        for cand in candidates:
            if sha256 is None or sha256_file(str(cand)) == sha256:
                return cand
            log.warning("%s: content differs from the ingested report (sha256); skipped", cand)
    return None
