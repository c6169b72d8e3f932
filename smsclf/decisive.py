"""Decisive marks: the labelling rules say one clear mark of fabrication makes a legal-action
message fake, but a linear model adds evidence up, and enough official-looking words can
outvote one impossible court or lookalike link.  This layer over the model's probabilities
caps the authenticity of a message that carries a decisive mark (``data/decisive.tsv``) at
``AUTHENTICITY_CAP``, moving probability from genuine to fake; P(unrelated) is left as the
model gave it, so a message without a legal claim can still end unrelated.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache

from smsclf import resources

#: The most authenticity a message with a decisive mark can have: below one half, so the
#: label is never genuine, and low enough to read as "not believable".
AUTHENTICITY_CAP = 0.05


@lru_cache(maxsize=1)
def decisive_marks() -> dict[str, str]:
    """Feature name -> the labelling rule that makes it decisive."""
    return {r["feature"]: r["rule"] for r in resources.read_tsv("decisive.tsv")}


def marks_in(feature_names: Iterable[str]) -> list[str]:
    """The decisive marks among a message's evidence features, in name order."""
    return sorted(_mark_set().intersection(feature_names))


@lru_cache(maxsize=1)
def _mark_set() -> frozenset[str]:
    return frozenset(decisive_marks())


def cap(p_genuine: float, p_fake: float) -> tuple[float, float, float]:
    """A marked message's ``(p_genuine, p_fake, shift)``: authenticity capped at
    AUTHENTICITY_CAP, their sum (and so P(unrelated)) unchanged; ``shift`` is how much the
    log-odds of fake over genuine rose (0 when the model was already at or below the cap)."""
    legal = p_genuine + p_fake
    if p_genuine <= AUTHENTICITY_CAP * legal:
        return p_genuine, p_fake, 0.0
    if legal < 1e-300:  # a vanishing legal mass (a long message sure to be unrelated)
        return 0.0, legal, 0.0
    g, f = AUTHENTICITY_CAP * legal, (1.0 - AUTHENTICITY_CAP) * legal
    shift = math.log(f / g) - math.log(max(p_fake, 1e-300) / p_genuine)
    return g, f, shift
