"""The signature in 【】 at the start or end of a message: who claims to send it."""

from __future__ import annotations

import re

from smsclf.evidence import Evidence
from smsclf.normalize import NormalizedText
from smsclf.recognizers.base import make_evidence

_START = re.compile(r"^\s*(?:【|\[)(?P<name>[^【】\[\]]{1,24})(?:】|\])")
_END = re.compile(r"(?:【|\[)(?P<name>[^【】\[\]]{1,24})(?:】|\])\s*$")


class SenderRecognizer:
    """Finds the 【signature】 of a message; ``details['position']`` is start or end."""

    name = "sender"
    kind = "sender"

    def analyze(self, doc: NormalizedText) -> list[Evidence]:
        if "【" not in doc.text and "[" not in doc.text:
            return []  # a signature is in 【】 or []
        out = []
        spans = []
        for pattern, position in ((_START, "start"), (_END, "end")):
            m = pattern.search(doc.text)
            if m and m.span("name") not in spans:
                s, e = m.span("name")
                spans.append((s, e))
                out.append(make_evidence(doc, self.kind, s, e,
                                         {"name": m.group("name"), "position": position}))
        return out
