"""Find which section a point of the document falls in (for section_number provenance)."""
from __future__ import annotations

from typing import Sequence

from models.records import Section


def section_index_at(sections: Sequence[Section], page: int, top: float) -> int | None:
    """Index of the last section whose heading starts before (page, top), if any."""
    best = None
    for i, s in enumerate(sections):
        s_top = s.bbox[1] if s.bbox else 0.0
        if (s.page, s_top) <= (page, top):
            best = i
        else:
            break
    return best


def numbered_section_at(sections: Sequence[Section], page: int, top: float) -> str | None:
    """Number of the deepest numbered heading above (page, top): "1.1.4" or None."""
    i = section_index_at(sections, page, top)
    while i is not None:
        s = sections[i]
        if s.kind == "annex":
            return None
        if s.number:
            return s.number
        i = s.parent_index if s.parent_index is not None and s.parent_index < i else (i - 1 if i > 0 and s.level > 1 else None)
    return None
