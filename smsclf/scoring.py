"""The scoring kernel: a message's terms as sublinear, L2-normed TF-IDF, the linear scores
and the softmax.  ``smsclf._cscore`` is its compiled twin (see ``smsclf.accel``).

Both do every floating-point operation in the same order — sums left to right from 0.0,
never the builtin ``sum`` (compensated from Python 3.12) — so the two give the same bits,
and so do all Python versions.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from functools import reduce
from math import exp, log, sqrt
from operator import add, itemgetter, mul

#: A scored message: (vocabulary indices of its terms in first-seen order, their
#: 1 + log(tf) or None when every term occurs once, the L2 norm's inverse, probabilities).
#: The indices are an ``array('i')`` and the tf weights an ``array('d')``: a result keeps
#: them for its reasons, and lists would keep a Python object for each
Scored = tuple[array, "array | None", float, list[float]]


def _getter(js: list[int]):
    """``seq -> (seq[j] for j in js)`` as a tuple, in one C call (``itemgetter``)."""
    if len(js) == 1:
        j = js[0]
        return lambda seq: (seq[j],)
    return itemgetter(*js)


class Scorer:
    """The weights of one model, laid out for scoring.

    ``unigrams``/``bigrams``: term text ("a b" for a bigram) -> vocabulary index;
    ``w_terms``: a row a label of idf * weight (temperature folded in); ``idf2``: idf
    squared; ``intercept``: one a label; ``w_evidence``: evidence feature -> its weight a
    label (evidence scale and temperature folded in).
    """

    def __init__(self, unigrams: dict[str, int], bigrams: dict[str, int],
                 w_terms: Sequence[Sequence[float]], idf2: Sequence[float],
                 intercept: Sequence[float], w_evidence: dict[str, Sequence[float]]) -> None:
        self._unigrams = unigrams
        self._bigrams = bigrams
        self._w_terms = w_terms
        self._idf2 = idf2
        self._intercept = tuple(intercept)
        self._w_evidence = w_evidence

    def terms(self, tokens: list[str]) -> tuple[array, array | None, float]:
        """The message's known unigrams and bigrams: (vocabulary indices in first-seen
        order, their 1 + log(tf) or None when each occurs once, the L2 norm's inverse)."""
        found = [j for j in map(self._unigrams.get, tokens) if j is not None]
        if len(tokens) > 1:
            pairs = map(" ".join, zip(tokens, tokens[1:], strict=False))
            found += [j for j in map(self._bigrams.get, pairs) if j is not None]
        if not found:
            return array("i"), None, 0.0
        counts = dict.fromkeys(found, 0)
        if len(counts) == len(found):  # the usual case: each term once, tf weight 1
            norm = 1.0 / sqrt(reduce(add, _getter(found)(self._idf2), 0.0))
            return array("i", found), None, norm
        for j in found:
            counts[j] += 1
        js = list(counts)
        tf = array("d", [1.0 + log(c) for c in counts.values()])
        squares = map(mul, _getter(js)(self._idf2), map(mul, tf, tf))
        return array("i", js), tf, 1.0 / sqrt(reduce(add, squares, 0.0))

    def logits(self, js: Sequence[int], tf: Sequence[float] | None, norm: float,
               evidence: dict[str, float]) -> list[float]:
        """Scores before the softmax, one a label."""
        z = list(self._intercept)
        if js:
            get = _getter(js)
            for k, w in enumerate(self._w_terms):
                if tf is None:
                    z[k] += reduce(add, get(w), 0.0) * norm
                else:
                    z[k] += reduce(add, map(mul, get(w), tf), 0.0) * norm
        w_evidence = self._w_evidence
        for name, value in evidence.items():
            for k, w in enumerate(w_evidence[name]):
                z[k] += w * value
        return z

    def score(self, tokens: list[str], evidence: dict[str, float]) -> Scored:
        """Score one message from its tokens and its active evidence features (in the
        order given: callers pass them sorted by name)."""
        js, tf, norm = self.terms(tokens)
        z = self.logits(js, tf, norm, evidence)
        top = max(z)
        e = [exp(x - top) for x in z]
        total = reduce(add, e, 0.0)
        return js, tf, norm, [x / total for x in e]
