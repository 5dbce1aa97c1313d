"""Calibrate and report the link thresholds on labelled pairs.

The labelled pairs (tests/data/links_labelled.csv: text_a, text_b, label, source) were
labelled by reading them: `repeats`, `similar` or `none`. A link is right when the label
is not `none` ("is there a link": `repeats` and `similar` together); the kind is right when
the label is the predicted kind.

    python -m pipeline.link_calibration            # figures at the chosen thresholds + curve
    python -m pipeline.link_calibration --search   # grid-search the thresholds again
"""
from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from pipeline.link_scoring import (
    MIN_SHARED, REPEATS_THRESHOLD, SIMILAR_THRESHOLD, SYMMETRIC_MIN, SYMMETRY_GAP, WEIGHTS, PairScore, Rarity, classify, features,
    load_link_nlp, normalise, score_pair,
)

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "data" / "links_labelled.csv"


@dataclass(frozen=True)
class Labelled:
    text_a: str
    text_b: str
    label: str  # repeats | similar | none
    source: str = ""


def read_labelled(path: str | Path = LABELLED) -> list[Labelled]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [Labelled(r["text_a"], r["text_b"], r["label"], r.get("source") or "")
                for r in csv.DictReader(fh)]


def scores(pairs: Sequence[Labelled], nlp=None, weights: tuple[float, ...] = WEIGHTS) -> list[PairScore]:
    texts = [t for p in pairs for t in (p.text_a, p.text_b)]
    feats = features(texts, nlp)
    rarity = Rarity.of(f.lemmas for f in feats)
    return [score_pair(feats[2 * i], feats[2 * i + 1], rarity, weights) for i in range(len(pairs))]


@dataclass(frozen=True)
class Metrics:
    precision: float
    recall: float
    kind_accuracy: float
    tp: int
    fp: int
    fn: int


def measure(pairs: Sequence[Labelled], scored: Sequence[PairScore], repeats: float = REPEATS_THRESHOLD,
            similar: float = SIMILAR_THRESHOLD, min_shared: int = MIN_SHARED,
            symmetric: tuple[float, float] = (SYMMETRIC_MIN, SYMMETRY_GAP)) -> Metrics:
    tp = fp = fn = exact = 0
    for p, s in zip(pairs, scored):
        pred = classify(s, repeats, similar, min_shared, symmetric)
        exact += pred == p.label
        if pred != "none" and p.label != "none":
            tp += 1
        elif pred != "none":
            fp += 1
        elif p.label != "none":
            fn += 1
    return Metrics(tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0,
                   exact / len(pairs) if pairs else 1.0, tp, fp, fn)


def evaluate(pairs: Sequence[Labelled], nlp=None, **thresholds) -> Metrics:
    return measure(pairs, scores(pairs, nlp), **thresholds)


def calibrate(pairs: Sequence[Labelled], nlp=None, min_precision: float = 0.95,
              weights: tuple[float, ...] = WEIGHTS) -> dict:
    """The `similar` threshold with the best recall among those with precision at least
    `min_precision` (ties: the higher threshold), then the `repeats` threshold and the
    symmetry rule that best tell `repeats` from `similar` among the pairs linked and
    labelled so (balanced accuracy, as there are far more repeats than similar pairs;
    ties: the lower threshold, the stricter rule)."""
    scored = scores(pairs, nlp, weights)
    grid = [x / 100 for x in range(30, 100)]
    best = None
    for min_shared in (1, 2, 3):
        for sim in grid:
            m = measure(pairs, scored, 2.0, sim, min_shared, (2.0, 0.0))
            key = (m.precision >= min_precision, m.recall, m.precision, sim)
            if best is None or key > best[0]:
                best = (key, sim, min_shared)
    _, sim, min_shared = best
    linked = [(p.label, s) for p, s in zip(pairs, scored)
              if p.label != "none" and classify(s, 2.0, sim, min_shared, (2.0, 0.0)) != "none"]

    def balanced(r: float, sym: tuple[float, float]) -> float:
        hits = {k: sum(1 for lab, s in linked if lab == k and classify(s, r, sim, min_shared, sym) == k)
                for k in ("repeats", "similar")}
        return sum(hits[k] / max(1, sum(lab == k for lab, _ in linked)) for k in hits) / 2

    rep = max((r for r in grid if r >= sim), key=lambda r: (balanced(r, (2.0, 0.0)), -r))
    syms = [(2.0, 0.0)] + [(x / 100, g / 100) for x in range(50, 100, 2) for g in range(0, 40, 4)]
    sym = max(syms, key=lambda y: (balanced(rep, y), y[0], -y[1]))
    return {"similar": sim, "repeats": rep, "min_shared": min_shared, "symmetric": sym}


def curve(pairs: Sequence[Labelled], scored: Sequence[PairScore], around: float = SIMILAR_THRESHOLD,
          step: float = 0.02, n: int = 5) -> list[tuple[float, Metrics]]:
    """Precision and recall of "is there a link" at thresholds around `around`."""
    out = []
    for k in range(-n, n + 1):
        t = round(around + k * step, 4)
        out.append((t, measure(pairs, scored, max(t, REPEATS_THRESHOLD), t)))
    return out


def report_lines(pairs: Sequence[Labelled], nlp=None) -> list[str]:
    scored = scores(pairs, nlp)
    m = measure(pairs, scored)
    kinds = {k: sum(p.label == k for p in pairs) for k in ("repeats", "similar", "none")}
    lines = [f"{len(pairs)} labelled pairs ({kinds['repeats']} repeats, {kinds['similar']} similar, "
             f"{kinds['none']} none); thresholds similar {SIMILAR_THRESHOLD:.2f}, repeats "
             f"{REPEATS_THRESHOLD:.2f} (or symmetric cover ≥ {SYMMETRIC_MIN:.2f}, gap ≤ {SYMMETRY_GAP:.2f}), "
             f"min shared lemmas {MIN_SHARED}",
             f"repeats+similar: precision {m.precision:.3f}, recall {m.recall:.3f} "
             f"(tp {m.tp}, fp {m.fp}, fn {m.fn}); kind right for {m.kind_accuracy:.3f} of pairs",
             "threshold  precision  recall"]
    for t, c in curve(pairs, scored):
        mark = "  <- chosen" if abs(t - SIMILAR_THRESHOLD) < 1e-9 else ""
        lines.append(f"  {t:.2f}       {c.precision:.3f}    {c.recall:.3f}{mark}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labelled", default=str(LABELLED))
    parser.add_argument("--search", action="store_true", help="grid-search the thresholds")
    parser.add_argument("--errors", action="store_true", help="print the wrongly classified pairs")
    args = parser.parse_args(argv)
    pairs = read_labelled(args.labelled)
    nlp = load_link_nlp()
    if args.search:
        print(calibrate(pairs, nlp))
    for line in report_lines(pairs, nlp):
        print(line)
    if args.errors:
        for p, s in zip(pairs, scores(pairs, nlp)):
            pred = classify(s)
            if pred != p.label:
                print(f"{p.label:>8} got {pred:<8} {s.score:.3f} (tsr {s.token_set:.2f} ratio {s.ratio:.2f} "
                      f"dice {s.dice:.2f} meaning {s.meaning:.2f} shared {s.shared}) [{p.source}]\n"
                      f"    A: {p.text_a[:150]}\n    B: {p.text_b[:150]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
