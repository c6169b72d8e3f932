# cython: language_level=3
"""Compiled twin of ``smsclf.recognizers.phrases._sorted_hits``: every occurrence of every
lexicon phrase, found with an Aho-Corasick automaton of its own (arrays in C instead of
pyahocorasick's nodes, whose edges are searched one by one for every character)."""

from cpython.mem cimport PyMem_Free, PyMem_Malloc

#: checked by smsclf.accel against the number the pure-Python sources expect
ABI = 1

DEF BMP = 0x10000


cdef class Matcher:
    """An automaton over ``entries`` ({phrase: (length, ((category, ref), …))}, as the
    pure-Python lexicon stores them); ``sorted_hits`` gives what its twin gives."""

    cdef int *char_class  # code point of the BMP -> 1 + its index in the alphabet, or 0
    cdef dict wide_class  # the same for characters outside the BMP
    cdef int n_states, n_classes
    cdef int *root_next  # class -> state, for the root (where most characters are read)
    cdef int *edge_first  # state -> its first edge in edge_class/edge_to (CSR)
    cdef int *edge_class
    cdef int *edge_to
    cdef int *fail
    cdef int *output  # state -> the nearest state on its suffix chain with a value, or 0
    cdef list values  # state -> (length, pairs) or None

    def __cinit__(self):
        self.char_class = NULL
        self.root_next = NULL
        self.edge_first = NULL
        self.edge_class = NULL
        self.edge_to = NULL
        self.fail = NULL
        self.output = NULL

    def __init__(self, dict entries):
        classes = {}
        for phrase in entries:
            for ch in phrase:
                classes.setdefault(ord(ch), len(classes) + 1)
        self.n_classes = len(classes) + 1
        self.wide_class = {cp: c for cp, c in classes.items() if cp >= BMP}
        self.char_class = <int *> PyMem_Malloc(BMP * sizeof(int))
        if self.char_class == NULL:
            raise MemoryError()
        cdef Py_ssize_t i
        for i in range(BMP):
            self.char_class[i] = 0
        for cp, c in classes.items():
            if cp < BMP:
                self.char_class[cp] = c
        # the trie, in Python first
        goto = [{}]
        values = [None]
        for phrase, value in entries.items():
            state = 0
            for ch in phrase:
                c = classes[ord(ch)]
                nxt = goto[state].get(c)
                if nxt is None:
                    nxt = len(goto)
                    goto[state][c] = nxt
                    goto.append({})
                    values.append(None)
                state = nxt
            values[state] = value
        n = len(goto)
        self.n_states = n
        self.values = values
        fail = [0] * n
        output = [0] * n
        order = []  # breadth first
        queue = list(goto[0].values())
        head = 0
        while head < len(queue):
            state = queue[head]
            head += 1
            order.append(state)
            for c, nxt in goto[state].items():
                f = fail[state]
                while f and c not in goto[f]:
                    f = fail[f]
                fail[nxt] = goto[f].get(c, 0)
                queue.append(nxt)
        for state in order:  # a state's failure is nearer the root: done before it
            f = fail[state]
            output[state] = f if values[f] is not None else output[f]
        self.root_next = <int *> PyMem_Malloc(self.n_classes * sizeof(int))
        self.edge_first = <int *> PyMem_Malloc((n + 1) * sizeof(int))
        self.fail = <int *> PyMem_Malloc(n * sizeof(int))
        self.output = <int *> PyMem_Malloc(n * sizeof(int))
        n_edges = sum(len(g) for g in goto)
        self.edge_class = <int *> PyMem_Malloc(max(n_edges, 1) * sizeof(int))
        self.edge_to = <int *> PyMem_Malloc(max(n_edges, 1) * sizeof(int))
        if (self.root_next == NULL or self.edge_first == NULL or self.fail == NULL
                or self.output == NULL or self.edge_class == NULL or self.edge_to == NULL):
            raise MemoryError()
        for i in range(self.n_classes):
            self.root_next[i] = 0
        for c, nxt in goto[0].items():
            self.root_next[c] = nxt
        cdef int e = 0
        for i in range(n):
            self.edge_first[i] = e
            self.fail[i] = fail[i]
            self.output[i] = output[i]
            for c, nxt in sorted(goto[i].items()):
                self.edge_class[e] = c
                self.edge_to[e] = nxt
                e += 1
        self.edge_first[n] = e

    def __dealloc__(self):
        PyMem_Free(self.char_class)
        PyMem_Free(self.root_next)
        PyMem_Free(self.edge_first)
        PyMem_Free(self.edge_class)
        PyMem_Free(self.edge_to)
        PyMem_Free(self.fail)
        PyMem_Free(self.output)

    cdef inline int _next(self, int state, int c) noexcept:
        cdef int e, last
        while state:
            e = self.edge_first[state]
            last = self.edge_first[state + 1]
            while e < last:
                if self.edge_class[e] == c:
                    return self.edge_to[e]
                e += 1
            state = self.fail[state]
        return self.root_next[c]

    def sorted_hits(self, str text):
        """``(start, -end, category, ref)`` of every occurrence of every phrase, sorted."""
        cdef list hits = []
        cdef int state = 0, s, c, length
        cdef Py_ssize_t last = 0
        cdef Py_UCS4 ch
        for ch in text:
            if ch < BMP:
                c = self.char_class[ch]
            else:
                c = self.wide_class.get(<long> ch, 0)
            state = self._next(state, c) if c else 0
            s = state if self.values[state] is not None else self.output[state]
            while s:
                length, pairs = self.values[s]
                for category, ref in pairs:
                    hits.append((last + 1 - length, -1 - last, category, ref))
                s = self.output[s]
            last += 1
        hits.sort()
        return hits
