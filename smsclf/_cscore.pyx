# cython: language_level=3
"""Compiled twin of ``smsclf.scoring``: the same operations in the same order, in C."""

from cpython.array cimport array
from libc.math cimport exp, log, sqrt

#: checked by smsclf.accel against the number the pure-Python sources expect
ABI = 1


cdef class Scorer:
    """See ``smsclf.scoring.Scorer``; same arguments, same results to the bit."""

    cdef dict unigrams, bigrams, first, w_evidence
    cdef bint joined
    cdef Py_ssize_t n_labels, n_vocab
    cdef double[::1] w, idf2, intercept
    cdef object _keep

    def __init__(self, dict unigrams, dict bigrams, w_terms, idf2, intercept,
                 dict w_evidence):
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.n_labels = len(w_terms)
        self.n_vocab = len(idf2)
        flat = array("d")
        for row in w_terms:
            if len(row) != self.n_vocab:
                raise ValueError("every weight row must have one weight a vocabulary term")
            flat.extend(array("d", row))
        self.w = flat
        self.idf2 = array("d", idf2)
        self.intercept = array("d", intercept)
        if len(self.intercept) != self.n_labels:
            raise ValueError("one intercept a label")
        self.w_evidence = {name: array("d", ws) for name, ws in w_evidence.items()}
        for ws in self.w_evidence.values():
            if len(ws) != self.n_labels:
                raise ValueError("one evidence weight a label")
        # bigrams as first word -> second word -> index: no joined string a pair; a key
        # that does not split into exactly two words keeps the joined lookup for all
        self.joined = any(key.count(" ") != 1 for key in bigrams)
        self.first = {}
        if not self.joined:
            for key, j in bigrams.items():
                a, b = key.split(" ")
                self.first.setdefault(a, {})[b] = j
        for table in (unigrams, bigrams):
            for j in table.values():
                if not 0 <= j < self.n_vocab:
                    raise ValueError(f"vocabulary index {j!r} out of range")
        self._keep = (flat,)

    def score(self, list tokens not None, dict evidence not None):
        cdef Py_ssize_t n = len(tokens), i, k, m, j
        cdef list found = []
        cdef object hit, tok
        cdef dict second
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
        cdef double zk[64]
        cdef double s, norm, t, top, total
        cdef list js, p
        cdef object tf
        cdef dict counts
        cdef Py_ssize_t n_labels = self.n_labels, n_vocab = self.n_vocab
        cdef double[::1] w = self.w, idf2 = self.idf2
        cdef double[::1] ws
        if n_labels > 64:
            raise ValueError("at most 64 labels")
        for k in range(n_labels):
            zk[k] = self.intercept[k]
        if found:
            counts = dict.fromkeys(found, 0)
            m = len(counts)
            if m == len(found):
                js = found
                tf = None
                s = 0.0
                for i in range(m):
                    s = s + idf2[<Py_ssize_t>js[i]]
                norm = 1.0 / sqrt(s)
                for k in range(n_labels):
                    s = 0.0
                    for i in range(m):
                        s = s + w[k * n_vocab + <Py_ssize_t>js[i]]
                    zk[k] = zk[k] + s * norm
            else:
                for hit in found:
                    counts[hit] += 1
                js = list(counts)
                tf = [1.0 + log(<double>c) for c in counts.values()]
                s = 0.0
                for i in range(m):
                    t = <double>tf[i]
                    s = s + idf2[<Py_ssize_t>js[i]] * (t * t)
                norm = 1.0 / sqrt(s)
                for k in range(n_labels):
                    s = 0.0
                    for i in range(m):
                        s = s + w[k * n_vocab + <Py_ssize_t>js[i]] * <double>tf[i]
                    zk[k] = zk[k] + s * norm
        else:
            js, tf, norm = [], None, 0.0
        cdef double value
        for name, v in evidence.items():
            ws = self.w_evidence[name]
            value = v
            for k in range(n_labels):
                zk[k] = zk[k] + ws[k] * value
        top = zk[0]
        for k in range(1, n_labels):
            if zk[k] > top:
                top = zk[k]
        cdef double e[64]
        total = 0.0
        for k in range(n_labels):
            e[k] = exp(zk[k] - top)
            total = total + e[k]
        p = [e[k] / total for k in range(n_labels)]
        return js, tf, norm, p
