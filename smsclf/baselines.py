"""Two baselines smsclf is measured against, trained or tuned on the same data:

- ``PlainPipeline``: jieba (default settings) + TfidfVectorizer + LogisticRegression on the
  raw text, the usual way such a model is served;
- ``KeywordRules``: a keyword-rule classifier whose keyword lists are picked from the
  project's lexicon by their precision on the training data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from smsclf.model import LABELS
from smsclf.normalize import normalize
from smsclf.train import C_GRID


def jieba_words(text: str) -> list[str]:
    import jieba

    return jieba.lcut(text)


class PlainPipeline:
    """jieba + TF-IDF (word uni- and bigrams) + logistic regression, C chosen on dev."""

    def __init__(self, c_grid: Sequence[float] = C_GRID) -> None:
        self.c_grid = tuple(c_grid)
        self.pipeline = None

    def _make(self, c: float):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        return make_pipeline(
            TfidfVectorizer(tokenizer=jieba_words, token_pattern=None, ngram_range=(1, 2),
                            min_df=2, sublinear_tf=True, lowercase=False),
            LogisticRegression(C=c, max_iter=5000),
        )

    def fit(self, texts, labels, dev_texts, dev_labels) -> PlainPipeline:
        from smsclf.metrics import evaluate

        best = None
        for c in self.c_grid:
            pipe = self._make(c).fit(texts, labels)
            f1 = evaluate(dev_labels, self._proba(pipe, dev_texts))["macro_f1"]
            if best is None or f1 > best[0]:
                best = (f1, pipe)
        assert best is not None
        self.pipeline = best[1]
        return self

    @staticmethod
    def _proba(pipe, texts) -> np.ndarray:
        classes = list(pipe.classes_)
        p = pipe.predict_proba(list(texts))
        return p[:, [classes.index(label) for label in LABELS]]

    def predict_proba(self, texts) -> np.ndarray:
        return self._proba(self.pipeline, texts)


class KeywordRules:
    """No legal keyword -> unrelated; a fake keyword -> fake; otherwise genuine.

    Keywords are lexicon phrases; ``fit`` keeps those whose precision on the training data
    reaches a threshold, and picks the thresholds that maximise training macro-F1.
    """

    def __init__(self, thresholds: Sequence[float] = (0.6, 0.7, 0.8, 0.9),
                 min_support: int = 3) -> None:
        self.thresholds = tuple(thresholds)
        self.min_support = min_support
        self.legal: frozenset[str] = frozenset()
        self.fake: frozenset[str] = frozenset()

    @staticmethod
    def _phrases(text: str) -> set[str]:
        from smsclf.recognizers.phrases import find_phrases

        doc = normalize(text).text
        return {doc[s:e] for s, e, _, _ in find_phrases(doc)}

    def fit(self, texts, labels) -> KeywordRules:
        from smsclf.metrics import evaluate

        found = [self._phrases(t) for t in texts]
        stats: dict[str, list[int]] = {}
        for phrases, label in zip(found, labels, strict=True):
            for p in phrases:
                s = stats.setdefault(p, [0, 0, 0])
                s[LABELS.index(label)] += 1
        best = None
        for t_legal in self.thresholds:
            legal = frozenset(p for p, (g, f, u) in stats.items()
                              if g + f + u >= self.min_support and (g + f) / (g + f + u) >= t_legal)
            for t_fake in self.thresholds:
                fake = frozenset(p for p, (g, f, u) in stats.items()
                                 if g + f >= self.min_support and f / (g + f) >= t_fake)
                pred = [self._rule(ph, legal, fake) for ph in found]
                f1 = evaluate(labels, self._onehot(pred))["macro_f1"]
                if best is None or f1 > best[0]:
                    best = (f1, legal, fake)
        assert best is not None
        _, self.legal, self.fake = best
        return self

    @staticmethod
    def _rule(phrases: set[str], legal: frozenset[str], fake: frozenset[str]) -> str:
        if not phrases & legal:
            return "unrelated"
        return "fake" if phrases & fake else "genuine"

    @staticmethod
    def _onehot(pred: list[str], confidence: float = 0.9) -> np.ndarray:
        p = np.full((len(pred), len(LABELS)), (1 - confidence) / (len(LABELS) - 1))
        for i, label in enumerate(pred):
            p[i, LABELS.index(label)] = confidence
        return p

    def predict_proba(self, texts) -> np.ndarray:
        return self._onehot([self._rule(self._phrases(t), self.legal, self.fake) for t in texts])
