"""Question fingerprints: the key under which an answer-bank entry is stored and found.

The Profile service stores answers under it and the field mapper looks them up by
it, so the same question asked by two forms with different punctuation, case,
spelling of "authorised/authorized" or a trailing "*" finds the same answer.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_MARKERS = re.compile(r"\((?:required|optional)\)|\*|\brequired\b", re.IGNORECASE)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_SPELLING = {"authorised": "authorized", "organisation": "organization", "colour": "color", "e mail": "email"}
_FILLER = {"please", "kindly", "the", "a", "an", "your", "you", "do", "are", "is"}


def normalize_question(text: str) -> str:
    """Lowercase words without punctuation, markers, filler words or British spellings."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    folded = _MARKERS.sub(" ", folded)
    folded = _NON_WORD.sub(" ", folded).strip()
    for british, american in _SPELLING.items():
        folded = re.sub(rf"\b{british}\b", american, folded)
    return " ".join(w for w in folded.split() if w not in _FILLER)


def fingerprint(text: str) -> str:
    """A short stable key for a question: `q_` + 16 hex digits of its normalised form."""
    return "q_" + hashlib.sha256(normalize_question(text).encode()).hexdigest()[:16]
