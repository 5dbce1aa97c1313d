"""Whether a grid of cells holds data or paragraphs cut into cells.

Ruling lines are drawn for many things besides tables: a frame around the page, a box
around a paragraph (encadrés, recommendation boxes, quotations), shaded line backgrounds
that a word processor draws under every line (Cour des comptes du Sénégal, Parcelles
Assainies 2021: 81 of 127 "tables" were such pages). The table finder turns each into a
grid. What tells a data grid from them holds across producers:
- data sits side by side: most rows that hold text hold it in two cells or more, while a
  framed paragraph puts each line in one cell (an indented line in another column, never
  both);
- data cells are short: when most cells read as sentences, the grid is text in columns
  (a two-column page), not a table.
A caption ("Tableau 3 :") announces a table whatever its shape; these signals decide only
for grids without one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import regex

from models.records import Problem, Table

SENTENCE_CHARS = 70  # a cell longer than this, made of words, reads as a sentence
_WORD = regex.compile(r"\p{L}{2,}")
_LETTER = regex.compile(r"\p{L}")


@dataclass(frozen=True)
class GridShape:
    """Counts over a grid's cells that say whether it holds data."""

    rows: int  # rows holding some text
    aligned_rows: int  # rows holding text in two cells or more
    wide_rows: int  # rows holding text in four cells or more: never lines of a paragraph
    cells: int  # non-empty cells
    sentences: int  # cells that read as sentences

    @property
    def is_data(self) -> bool:
        """Two rows or more of side-by-side cells, aligned in most rows (or in two wide
        rows: a header cell wrapped over lines of its own leaves rows of one cell, Gorée
        2022, p. 32), not mostly sentences."""
        return (self.aligned_rows >= 2 and (self.aligned_rows >= 0.5 * self.rows or self.wide_rows >= 2)
                and self.sentences <= 0.5 * self.cells)


def grid_shape(rows: Sequence[Sequence[str]]) -> GridShape:
    """Measure a grid (rows of cell texts, "" for an empty or merged cell)."""
    filled = [[c for c in row if c.strip()] for row in rows]
    filled = [row for row in filled if row]
    cells = [c for row in filled for c in row]
    return GridShape(len(filled), sum(1 for row in filled if len(row) >= 2),
                     sum(1 for row in filled if len(row) >= 4), len(cells),
                     sum(1 for c in cells if is_sentence(c)))


def is_sentence(cell: str) -> bool:
    """A long cell made of words (not a row of figures or codes): running text."""
    text = cell.strip()
    if len(text) <= SENTENCE_CHARS:
        return False
    letters = len(_LETTER.findall(text))
    return letters >= 0.6 * len(text.replace(" ", "")) and len(_WORD.findall(text)) >= 8


PROSE_SHARE = 0.4  # a table with this share of its cells reading as sentences is suspicious


def quality_problems(tables: Sequence[Table]) -> list[Problem]:
    """Per report, what makes its tables suspicious, for the `quality` table: how many
    have no caption at all, and which hold cells that mostly read as sentences (text cut
    into cells rather than data). Run on the tables the report keeps."""
    out: list[Problem] = []
    bare = [t for t in tables if t.caption is None and t.number is None]
    if bare:
        out.append(Problem("tables_uncaptioned",
                           f"{len(bare)} tableau(x) sur {len(tables)} sans titre, pages {_pages(bare)} : "
                           "vérifier qu'il s'agit de données et non de texte encadré",
                           bare[0].page, str(len(bare))))
    shapes = [(t, grid_shape(t.cells)) for t in tables]
    wordy = [(t, s) for t, s in shapes if s.cells and s.sentences >= PROSE_SHARE * s.cells]
    if wordy:
        cells = sum(s.cells for _, s in wordy)
        sentences = sum(s.sentences for _, s in wordy)
        out.append(Problem("table_cells_sentences",
                           f"{sentences} cellule(s) sur {cells} se lisent comme des phrases dans "
                           f"{len(wordy)} tableau(x), pages {_pages([t for t, _ in wordy])}",
                           wordy[0][0].page, str(sentences)))
    return out


def _pages(tables: Sequence[Table]) -> str:
    pages = sorted({t.page for t in tables})
    return ", ".join(map(str, pages[:12])) + (" …" if len(pages) > 12 else "")
