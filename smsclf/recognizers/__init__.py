"""The registered recognisers, in the order they run."""

from __future__ import annotations

from smsclf.recognizers.amounts import DeadlineRecognizer, MoneyRecognizer
from smsclf.recognizers.base import Recognizer
from smsclf.recognizers.case_number import CaseNumberRecognizer
from smsclf.recognizers.channel import ChannelRecognizer
from smsclf.recognizers.claim import ClaimRecognizer
from smsclf.recognizers.court import CourtRecognizer
from smsclf.recognizers.phrases import PhraseRecognizer
from smsclf.recognizers.sender import SenderRecognizer

#: Every recogniser ``extract`` runs.  Add a new one here.
RECOGNIZERS: tuple[Recognizer, ...] = (
    SenderRecognizer(),
    CaseNumberRecognizer(),
    CourtRecognizer(),
    ChannelRecognizer(),
    PhraseRecognizer(),
    MoneyRecognizer(),
    DeadlineRecognizer(),
    ClaimRecognizer(),
)

__all__ = [
    "RECOGNIZERS",
    "CaseNumberRecognizer",
    "ChannelRecognizer",
    "ClaimRecognizer",
    "CourtRecognizer",
    "DeadlineRecognizer",
    "MoneyRecognizer",
    "PhraseRecognizer",
    "Recognizer",
    "SenderRecognizer",
]
