# cython: language_level=3
"""Compiled twin of ``smsclf.scoring``: the same operations in the same order, in C."""

from cpython.array cimport array, clone
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.math cimport exp, log, sqrt
from libc.string cimport memcpy
from libc.stdint cimport uint64_t

from itertools import chain

#: checked by smsclf.accel against the number the pure-Python sources expect
ABI = 1

DEF MAX_LABELS = 64
DEF ON_STACK = 256  # messages of up to this many tokens are scored with no allocation
cdef array _INT_ARRAY = array("i")
cdef array _DOUBLE_ARRAY = array("d")
cdef uint64_t EMPTY = 0xFFFFFFFFFFFFFFFFULL  # a free slot of the pair table


cdef inline uint64_t _mix(uint64_t key):
    """A 64-bit finaliser (splitmix64): pair keys spread over the table."""
    key ^= key >> 30
    key *= 0xBF58476D1CE4E5B9ULL
    key ^= key >> 27
    key *= 0x94D049BB133111EBULL
    return key ^ (key >> 31)


cdef class Scorer:
    """See ``smsclf.scoring.Scorer``; same arguments, same results to the bit.

    Laid out for a cache that the rest of ``classify`` has filled with other things, where
    every table read of a scattered vocabulary is a miss: each token is looked up once, in
    one dict of every word (its id); its unigram is an array read, a bigram one probe of
    an open-addressing table keyed by the two ids, and a term's idf and weights share a
    cache line.
    """

    cdef dict word_ids, bigrams, evidence_row
    cdef bint joined
    cdef Py_ssize_t n_labels, n_vocab, n_words
    cdef uint64_t mask
    # raw pointers into the arrays below, which the object keeps alive and never resizes
    cdef double *terms  # a term's idf squared, then its weights (stride 1 + n_labels)
    cdef double *intercept
    cdef double *w_evidence
    cdef int *unigram  # word id -> vocabulary index of its unigram, or -1
    cdef uint64_t *pair_keys  # (first id << 32 | second id), or EMPTY
    cdef int *pair_terms  # vocabulary index of that bigram
    cdef array _terms, _intercept, _w_evidence, _unigram, _pair_keys, _pair_terms

    def __init__(self, dict unigrams, dict bigrams, w_terms, idf2, intercept,
                 dict w_evidence):
        self.bigrams = bigrams
        self.n_labels = len(w_terms)
        self.n_vocab = len(idf2)
        if not 0 < self.n_labels <= MAX_LABELS:
            raise ValueError(f"1 to {MAX_LABELS} labels")
        for table in (unigrams, bigrams):
            for j in table.values():
                if not 0 <= j < self.n_vocab:
                    raise ValueError(f"vocabulary index {j!r} out of range")
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
        # a key that does not split into exactly two words keeps joined-string look-ups
        self.joined = any(text.count(" ") != 1 for text in bigrams)
        # word ids: the unigrams' own strings, then the words only bigrams have
        self.word_ids = {w: i for i, w in enumerate(unigrams)}
        pairs = []
        if not self.joined:
            for text, j in bigrams.items():
                a, b = text.split(" ")
                pairs.append((self.word_ids.setdefault(a, len(self.word_ids)),
                              self.word_ids.setdefault(b, len(self.word_ids)), j))
        self.n_words = len(self.word_ids)
        if self.n_words >= 0x7FFFFFFF or self.n_vocab >= 0x7FFFFFFF:
            raise ValueError("vocabulary too large")
        self._unigram = array("i", [-1]) * self.n_words
        cdef int *uni = self._unigram.data.as_ints
        for w, j in unigrams.items():
            uni[<Py_ssize_t>self.word_ids[w]] = j
        cdef Py_ssize_t capacity = 8
        while capacity < 2 * len(pairs):
            capacity *= 2
        self.mask = capacity - 1
        self._pair_keys = array("Q", [EMPTY]) * capacity
        self._pair_terms = array("i", [0]) * capacity
        cdef uint64_t *keys = self._pair_keys.data.as_ulonglongs
        cdef int *values = self._pair_terms.data.as_ints
        cdef uint64_t key, slot
        for first, second, j in pairs:
            key = (<uint64_t>first << 32) | <uint64_t>second
            slot = _mix(key) & self.mask
            while keys[slot] != EMPTY and keys[slot] != key:
                slot = (slot + 1) & self.mask
            keys[slot] = key
            values[slot] = j
        self.terms = self._terms.data.as_doubles
        self.intercept = self._intercept.data.as_doubles
        self.w_evidence = self._w_evidence.data.as_doubles
        self.unigram = uni
        self.pair_keys = keys
        self.pair_terms = values

    cdef inline int _pair(self, int a, int b):
        cdef uint64_t key = (<uint64_t>a << 32) | <uint64_t>b
        cdef uint64_t slot = _mix(key) & self.mask
        while True:
            if self.pair_keys[slot] == key:
                return self.pair_terms[slot]
            if self.pair_keys[slot] == EMPTY:
                return -1
            slot = (slot + 1) & self.mask

    def score(self, list tokens not None, dict evidence not None):
        cdef Py_ssize_t n = len(tokens), i, k, row
        cdef Py_ssize_t n_found = 0, m = 0, cap = 8, slot
        cdef Py_ssize_t n_labels = self.n_labels, stride = 1 + self.n_labels
        cdef int j, a, b
        cdef object hit, name, v
        # scratch, on the stack for all but long messages: the tokens' word ids, the terms
        # found (unigrams in token order, then bigrams), the distinct ones in first-seen
        # order with their counts, and a hash set of them (term + 1 a slot, 0 free)
        while cap < 4 * n:
            cap *= 2
        cdef Py_ssize_t size = n + 3 * (2 * n + 1) + 2 * cap
        cdef int stack_buf[24 * ON_STACK]
        cdef int *buf = stack_buf
        if size > 24 * ON_STACK:
            buf = <int *>PyMem_Malloc(size * sizeof(int))
            if buf == NULL:
                raise MemoryError()
        cdef int *ids = buf
        cdef int *found = ids + n
        cdef int *distinct = found + (2 * n + 1)
        cdef int *count = distinct + (2 * n + 1)
        cdef int *table = count + (2 * n + 1)
        cdef int *where = table + cap
        cdef double zk[MAX_LABELS]
        cdef double e[MAX_LABELS]
        cdef double sk[MAX_LABELS]
        cdef double s, norm, t, top, total, value
        cdef array js
        cdef list p
        cdef object tf = None
        try:
            for i in range(n):
                hit = self.word_ids.get(tokens[i])
                ids[i] = -1 if hit is None else <int>hit
                if ids[i] >= 0:
                    j = self.unigram[ids[i]]
                    if j >= 0:
                        found[n_found] = j
                        n_found += 1
            if self.joined:
                for i in range(n - 1):
                    hit = self.bigrams.get(" ".join((tokens[i], tokens[i + 1])))
                    if hit is not None:
                        found[n_found] = <int>hit
                        n_found += 1
            else:
                for i in range(n - 1):
                    a = ids[i]
                    b = ids[i + 1]
                    if a >= 0 and b >= 0:
                        j = self._pair(a, b)
                        if j >= 0:
                            found[n_found] = j
                            n_found += 1
            for i in range(cap):
                table[i] = 0
            for i in range(n_found):
                j = found[i]
                slot = (<Py_ssize_t>(<unsigned int>j * 2654435761u)) & (cap - 1)
                while table[slot] != 0 and table[slot] != j + 1:
                    slot = (slot + 1) & (cap - 1)
                if table[slot] == 0:
                    table[slot] = j + 1
                    where[slot] = m
                    distinct[m] = j
                    count[m] = 1
                    m += 1
                else:
                    count[where[slot]] += 1
            js = clone(_INT_ARRAY, m, False)  # no Python int a term
            if m:
                memcpy(js.data.as_ints, distinct, m * sizeof(int))
            for k in range(n_labels):
                zk[k] = self.intercept[k]
            if m == 0:
                norm = 0.0
            else:
                # tf stays None when every term occurs once, as in the twin
                if m != n_found:
                    tf = clone(_DOUBLE_ARRAY, m, False)
                    for i in range(m):
                        (<array>tf).data.as_doubles[i] = 1.0 + log(<double>count[i])
                # each sum from 0.0, left to right, as the twin's reduce(add, ...)
                s = 0.0
                for k in range(n_labels):
                    sk[k] = 0.0
                for i in range(m):
                    row = distinct[i] * stride
                    if tf is None:
                        s = s + self.terms[row]
                        for k in range(n_labels):
                            sk[k] = sk[k] + self.terms[row + 1 + k]
                    else:
                        t = 1.0 + log(<double>count[i])
                        s = s + self.terms[row] * (t * t)
                        for k in range(n_labels):
                            sk[k] = sk[k] + self.terms[row + 1 + k] * t
                norm = 1.0 / sqrt(s)
                for k in range(n_labels):
                    zk[k] = zk[k] + sk[k] * norm
        finally:
            if buf != stack_buf:
                PyMem_Free(buf)
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
