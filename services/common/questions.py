"""Question fingerprints: one stable key per question, however a form punctuates or spells it.

The Profile service stores answer-bank entries under these fingerprints, and the field
mapper looks answers up (and names pending questions) by them, so there is exactly one
implementation, here. The normalisation must stay stable across releases: changing it
orphans every stored answer. This module only normalises text; it never decides what a
question means (see services/automation/semantics.py).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

FINGERPRINT_LENGTH = 16

_TYPOGRAPHIC = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "＊": "*"})
_REQUIRED_MARK = re.compile(
    r"(?:\s*[*✱:]|\s*[(\[]\s*(?:required|optional|mandatory)\s*[)\]]|\s+-\s*(?:required|optional))+\s*$",
    re.IGNORECASE,
)
_LEADING_MARK = re.compile(r"^\s*[*✱]\s*")
# Country abbreviations are only unambiguous in capitals ("US" is not "us"), so they are
# expanded before case folding.
_CASED_ALIASES = (
    (re.compile(r"\bU\.\s?S\.(?:\s?A\.?)?(?!\w)"), " united states "),
    (re.compile(r"\bUSA\b|\bUS\b"), " united states "),
    (re.compile(r"\bU\.\s?K\.?(?!\w)|\bUK\b"), " united kingdom "),
)
_FOLDED_ALIASES = (
    (re.compile(r"\bunited states of america\b"), "united states"),
    (re.compile(r"&"), " and "),
)
_NON_WORD = re.compile(r"[\W_]+")
_FILLER = frozenset({"please", "kindly", "the", "a", "an"})
# British and American spellings of the same question must meet; mapping both sides to one
# (not necessarily correct) spelling is enough, since only equality matters.
_ISE = re.compile(r"(?<=\w{3})is(e|es|ed|ing|ation|ations)$")
_OUR = re.compile(r"(?<=\w{3})our(s|ed|ing|ite|ites)?$")
_SPELLINGS = {"centre": "center", "licence": "license", "programme": "program", "enrol": "enroll"}


def fold(text: str) -> str:
    """Return `text` case-folded, without accents, with typographic quotes and dashes made ASCII."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TYPOGRAPHIC))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFKC", stripped).casefold()


def compact(text: str) -> str:
    """Return `text` folded with everything but letters and digits removed: a comparison key."""
    return _NON_WORD.sub("", fold(text))


def words(text: str) -> str:
    """Return `text` folded, with punctuation turned into single spaces."""
    return _NON_WORD.sub(" ", fold(text)).strip()


def strip_required_mark(label: str) -> str:
    """Drop the "*", "(required)" or "(optional)" decorations forms add around a label."""
    return _LEADING_MARK.sub("", _REQUIRED_MARK.sub("", label)).strip()


def _canonical_word(word: str) -> str:
    word = _SPELLINGS.get(word, word)
    if len(word) >= 6:
        word = _ISE.sub(lambda m: "iz" + m.group(1), word)
        word = _OUR.sub(lambda m: "or" + (m.group(1) or ""), word)
    return word


def normalize_question(question: str) -> str:
    """Return the readable normalised form of a question, e.g. "are you legally authorized to work in united states".

    Lower-cased, accents and punctuation removed, required/optional marks dropped, "US"/"U.S."/"USA"
    and "UK" spelled out, British -ise/-our spellings unified, filler words ("please", articles) removed.
    """
    text = strip_required_mark(question)
    for pattern, replacement in _CASED_ALIASES:
        text = pattern.sub(replacement, text)
    text = fold(text)
    for pattern, replacement in _FOLDED_ALIASES:
        text = pattern.sub(replacement, text)
    return " ".join(_canonical_word(word) for word in words(text).split() if word not in _FILLER)


def fingerprint(question: str) -> str:
    """Return the stable key of a question: a 16-hex-digit digest of its normalised form.

    Spaces are dropped before hashing so "e-mail"/"email" and "full-time"/"full time" meet.
    """
    key = normalize_question(question).replace(" ", "")
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:FINGERPRINT_LENGTH]
