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
import threading
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from extractors.layout import sha256_file
from models.errors import SuiviError

log = logging.getLogger(__name__)

DEFAULT_SCALE = 1.5  # 108 dpi: readable on screen, ~150 KB per page
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
            raise PageImageError(f"bbox must be four numbers x0, top, x1, bottom; got {given}") from None
        if x1 < x0 or bottom < top:
            raise PageImageError(f"bbox ({x0}, {top}, {x1}, {bottom}) is inverted: x1 < x0 or bottom < top")
        return cls(x0, top, x1, bottom)


def page_count(pdf_path: Path) -> int:
    with _lock:
        pdf = pdfium.PdfDocument(str(pdf_path))
        try:
            return len(pdf)
        finally:
            pdf.close()


def render_page(pdf_path: Path, page: int, cache_dir: Path, report_id: str,
                scale: float = DEFAULT_SCALE) -> Path:
    """PNG of physical page `page` (1-based), rendered once and cached; returns its path."""
    out = Path(cache_dir) / report_id / f"{page}@{scale:g}.png"
    if out.exists():
        return out
    with _lock:
        pdf = pdfium.PdfDocument(str(pdf_path))
        try:
            if not 1 <= page <= len(pdf):
                raise PageImageError(f"{pdf_path.name}: page {page} out of range (1-{len(pdf)})")
            image = pdf[page - 1].render(scale=scale).to_pil()
        finally:
            pdf.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    image.save(tmp, format="PNG", optimize=False)
    tmp.replace(out)  # atomic: a concurrent reader never sees half a file
    log.debug("rendered %s page %s to %s", pdf_path.name, page, out)
    return out


def highlighted_png(base_png: Path, box: Highlight | None, scale: float = DEFAULT_SCALE) -> bytes:
    """The cached render with `box` (PDF points, top-left origin) drawn over it, as PNG bytes."""
    with Image.open(base_png) as im:
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
