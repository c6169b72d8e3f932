# cython: language_level=3
"""Compiled twin of ``smsclf.scoring``: the same operations in the same order, in C."""

from cpython.array cimport array
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.math cimport exp, log, sqrt

from itertools import chain

#: checked by smsclf.accel against the number the pure-Python sources expect
ABI = 1

DEF MAX_LABELS = 64
DEF ON_STACK = 512  # terms a message held on the stack; longer messages use the heap


cdef class Scorer:
    """See ``smsclf.scoring.Scorer``; same arguments, same results to the bit."""

    cdef dict unigrams, bigrams, first, evidence_row
    cdef bint joined
    cdef Py_ssize_t n_labels, n_vocab
    # raw pointers into the arrays below, which the object keeps alive and never resizes.
    # A term's idf squared and its weights are side by side (stride 1 + n_labels): a
    # message's terms are scattered over the vocabulary, and one cache line a term instead
    # of one a label measured 3x faster
    cdef double *terms
    cdef double *intercept
    cdef double *w_evidence
    cdef array _terms, _intercept, _w_evidence

    def __init__(self, dict unigrams, dict bigrams, w_terms, idf2, intercept,
                 dict w_evidence):
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.n_labels = len(w_terms)
        self.n_vocab = len(idf2)
        if not 0 < self.n_labels <= MAX_LABELS:
            raise ValueError(f"1 to {MAX_LABELS} labels")
        rows = list(w_terms)
        if any(len(row) != self.n_vocab for row in rows):
            raise ValueError("every weight row must have one weight a vocabulary term")
        # interleaved without a list of floats in between: a peak of one float at a time
        self._terms = array("d", chain.from_iterable(zip(idf2, *rows)))
        self._intercept = array("d", intercept)
        if len(self._intercept) != self.n_labels:
            raise ValueError("one intercept a label")
        # evidence feature -> its row in one flat array of n_labels weights a feature
        self._w_evidence = array("d")
        self.evidence_row = {}
        for name, ws in w_evidence.items():
            if len(ws) != self.n_labels:
                raise ValueError("one evidence weight a label")
            self.evidence_row[name] = len(self.evidence_row)
            self._w_evidence.extend(array("d", ws))
        self.terms = self._terms.data.as_doubles
        self.intercept = self._intercept.data.as_doubles
        self.w_evidence = self._w_evidence.data.as_doubles
        # bigrams as first word -> second word -> index: no joined string a pair; a key
        # that does not split into exactly two words keeps the joined lookup for all
        self.joined = any(key.count(" ") != 1 for key in bigrams)
        self.first = {}
        if not self.joined:
            # one string object a word, the unigrams' own where there is one: the split
            # keys would otherwise hold a new copy of each word for every bigram it is in
            words = {w: w for w in unigrams}
            for key, j in bigrams.items():
                a, b = key.split(" ")
                self.first.setdefault(words.setdefault(a, a), {})[words.setdefault(b, b)] = j
        for table in (unigrams, bigrams):
            for j in table.values():
                if not 0 <= j < self.n_vocab:
                    raise ValueError(f"vocabulary index {j!r} out of range")

    def score(self, list tokens not None, dict evidence not None):
        cdef Py_ssize_t n = len(tokens), i, k, m, row
        cdef list found = []
        cdef object hit, tok, name, v
        for tok in tokens:
            hit = self.unigrams.get(tok)
            if hit is not None:
                found.append(hit)
        if n > 1:
            if self.joined:
                for i in range(n - 1):
                    hit = self.bigrams.get(" ".join((tokens[i], tokens[i + 1])))
                    if hit is not None:
                        found.append(hit)
            else:
                for i in range(n - 1):
                    hit = self.first.get(tokens[i])
                    if hit is not None:
                        hit = (<dict>hit).get(tokens[i + 1])
                        if hit is not None:
                            found.append(hit)
        cdef double zk[MAX_LABELS]
        cdef double e[MAX_LABELS]
        cdef double sk[MAX_LABELS]
        cdef Py_ssize_t idx_stack[ON_STACK]
        cdef Py_ssize_t *idx = idx_stack
        cdef Py_ssize_t stride = 1 + self.n_labels
        cdef double *terms = self.terms
        cdef double s, norm, t, top, total, value
        cdef list js, p
        cdef object tf
        cdef dict counts
        cdef Py_ssize_t n_labels = self.n_labels
        for k in range(n_labels):
            zk[k] = self.intercept[k]
        if found:
            counts = dict.fromkeys(found, 0)
            m = len(counts)
            if m == len(found):
                js = found
                tf = None
            else:
                for hit in found:
                    counts[hit] += 1
                js = list(counts)
                tf = [1.0 + log(<double>c) for c in counts.values()]
            if m > ON_STACK:
                idx = <Py_ssize_t *>PyMem_Malloc(m * sizeof(Py_ssize_t))
                if idx == NULL:
                    raise MemoryError()
            try:
                for i in range(m):
                    idx[i] = <Py_ssize_t>js[i]
                # each sum from 0.0, left to right, as the twin's reduce(add, ...)
                s = 0.0
                for k in range(n_labels):
                    sk[k] = 0.0
                for i in range(m):
                    row = idx[i] * stride
                    if tf is None:
                        s = s + terms[row]
                        for k in range(n_labels):
                            sk[k] = sk[k] + terms[row + 1 + k]
                    else:
                        t = <double>tf[i]
                        s = s + terms[row] * (t * t)
                        for k in range(n_labels):
                            sk[k] = sk[k] + terms[row + 1 + k] * t
                norm = 1.0 / sqrt(s)
                for k in range(n_labels):
                    zk[k] = zk[k] + sk[k] * norm
            finally:
                if idx != idx_stack:
                    PyMem_Free(idx)
        else:
            js, tf, norm = [], None, 0.0
        for name, v in evidence.items():
            row = <Py_ssize_t>self.evidence_row[name] * n_labels
            value = v
            for k in range(n_labels):
                zk[k] = zk[k] + self.w_evidence[row + k] * value
        top = zk[0]
        for k in range(1, n_labels):
            if zk[k] > top:
                top = zk[k]
        total = 0.0
        for k in range(n_labels):
            e[k] = exp(zk[k] - top)
            total = total + e[k]
        p = [e[k] / total for k in range(n_labels)]
        return js, tf, norm, p
