"""Where the shared test data lives: ../shared beside the project root (as in CI)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV_PDF = SHARED / "corpus" / "dev" / "igas-2019-prostitution.pdf"
DEV_TRUTH = SHARED / "corpus" / "dev" / "igas-2019-prostitution.truth.json"
REAL = SHARED / "corpus" / "real"
SEEDS = SHARED / "seeds"
SCORER = SHARED / "tools" / "score.py"
DEMO_PDF = ROOT / "corpus" / "igas-2019-prostitution.pdf"
