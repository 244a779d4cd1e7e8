"""What a form field asks for: a semantic token from its autocomplete, name/id and label text.

Signals are tried strongest first: HTML autocomplete tokens, then well-known ATS field names
(Greenhouse, Lever, Ashby), then English label and placeholder wording. Unknown fields are
"custom" and can only be answered from the answer bank. This module never chooses a value.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from services.common.questions import compact, strip_required_mark, words

if TYPE_CHECKING:
    from services.automation.fieldmap import FormField

CUSTOM = "custom"
CONSENT = "consent"
WORK_AUTHORIZATION = "work-authorization"
SPONSORSHIP = "sponsorship"
EEO_PREFIX = "eeo-"
FILE_TOKENS = frozenset({"resume", "cover-letter"})
CHECKBOX_TOKENS = frozenset({CONSENT, WORK_AUTHORIZATION, SPONSORSHIP, CUSTOM})
SHORT_LABEL_WORDS = 10

_AUTOCOMPLETE = {
    "name": "name",
    "given-name": "given-name",
    "additional-name": "additional-name",
    "family-name": "family-name",
    "nickname": "given-name",
    "email": "email",
    "tel": "tel",
    "tel-national": "tel",
    "tel-country-code": "tel-country-code",
    "address-level2": "city",
    "address-level1": "region",
    "country": "country",
    "country-name": "country",
    "postal-code": "postal-code",
    "street-address": "street-address",
    "address-line1": "street-address",
    "organization": "current-company",
    "organization-title": "current-title",
    "url": "website",
    "bday": "bday",
    "sex": "eeo-gender",
}
_AUTOCOMPLETE_MODIFIERS = frozenset(
    {"shipping", "billing", "home", "work", "mobile", "fax", "pager", "webauthn"}
)

# Keys are field names with punctuation removed; weak ones are generic enough that a
# confident label may overrule them (a form may call its first-name input "name").
_NAMES: dict[str, tuple[str, ...]] = {
    "given-name": ("firstname", "fname", "givenname", "first", "forename", "legalfirstname"),
    "family-name": ("lastname", "lname", "surname", "familyname", "last", "legallastname"),
    "name": ("fullname", "candidatename", "applicantname", "yourname", "legalname"),
    "additional-name": ("middlename", "middleinitial"),
    "email": ("email", "emailaddress", "candidateemail"),
    "tel": ("phone", "phonenumber", "mobile", "mobilephone", "telephone", "tel", "cellphone"),
    "city": ("city", "town"),
    "region": ("state", "province", "region"),
    "country": ("country", "countryofresidence"),
    "postal-code": ("zip", "zipcode", "postalcode", "postcode"),
    "street-address": ("streetaddress", "address1", "addressline1"),
    "current-company": ("org", "company", "currentcompany", "employer", "currentemployer", "organization"),
    "current-title": ("jobtitle", "currenttitle", "currentjobtitle", "currentposition"),
    "linkedin": ("linkedin", "linkedinurl", "linkedinprofile"),
    "github": ("github", "githuburl"),
    "twitter": ("twitter",),
    "website": ("website", "portfolio", "websiteurl", "portfoliourl", "personalwebsite"),
    "resume": ("resume", "cv", "resumefile", "resumetext"),
    "cover-letter": ("coverletter", "coverlettertext"),
    "salary": ("salary", "desiredsalary", "salaryexpectation", "salaryexpectations", "expectedsalary"),
    "start-date": ("startdate", "earlieststartdate"),
    "pronouns": ("pronouns", "pronoun"),
    "eeo-gender": ("gender", "sex"),
    "eeo-race": ("race", "ethnicity", "raceethnicity"),
    "eeo-hispanic-latino": ("hispanicethnicity", "hispaniclatino", "hispanic"),
    "eeo-veteran": ("veteran", "veteranstatus", "protectedveteran"),
    "eeo-disability": ("disability", "disabilitystatus"),
    "signature": ("disabilitysignature", "disabilitysignaturedate", "signature"),
    CONSENT: ("consent", "gdpr", "privacypolicy", "acknowledgement", "acknowledgment"),
}
_WEAK_NAMES = {
    "name": "name",
    "location": "location",
    "candidatelocation": "location",
    "comments": "cover-letter",
    "address": "street-address",
    "url": "website",
}
_NAME_INDEX = {key: token for token, keys in _NAMES.items() for key in keys}
_LEVER_URLS = {"linkedin": "linkedin", "github": "github", "portfolio": "website", "twitter": "twitter"}
_OPAQUE_SEGMENT = re.compile(
    r"\d+|field\d+|.*_attributes|text_value|boolean_value|value|answers?|question_id"
)
_SYSTEM_PREFIX = re.compile(r"^_?systemfield_|^eeoc?_")

_AUTH = re.compile(
    r"\b(authori[sz]ed|eligible|permitted|allowed|entitled|legally able|legal right|right) to (work|be employed)\b"
    r"|\bwork (authori[sz]ation|permit|eligibility)\b|\bauthori[sz]ation to work\b"
    r"|\bemployment eligibility\b|\blegally work\b"
)
_SPONSOR = re.compile(r"\bsponsor")
_WITHOUT_SPONSOR = re.compile(r"\bwithout (\w+ ){0,4}sponsor")
_WORK_IN = re.compile(r"\bto work\b|\bwork (in|for|from)\b")
# "Can we contact you by email?" asks for consent, not for the address.
_YES_NO_QUESTION = re.compile(r"(are|do|does|did|can|could|would|will|have|has|is|should|may) (you|we|i)\b")


class _Rule(NamedTuple):
    pattern: re.Pattern[str]
    token: str
    confidence: float


def _rules(*rows: tuple[str, str, float]) -> tuple[_Rule, ...]:
    return tuple(_Rule(re.compile(pattern), token, confidence) for pattern, token, confidence in rows)


# Questions are often long sentences, so these rules hold at any label length.
_QUESTION_RULES = _rules(
    (r"\bhow did you (hear|find|learn|come across)\b|\bwhere did you (hear|find|see|learn)\b", CUSTOM, 0.9),
    (r"\breferr(al|ed) (source|by)\b|\bsource of (application|referral)\b", CUSTOM, 0.9),
    (r"\bpronoun", "pronouns", 0.9),
    (r"\bhispanic|\blatin[oax]\b", "eeo-hispanic-latino", 0.9),
    (r"\brace\b|\bethnic", "eeo-race", 0.9),
    (r"\bveteran|\bmilitary (service|status)\b|\barmed forces\b", "eeo-veteran", 0.85),
    (r"\bdisabilit|\bhandicap", "eeo-disability", 0.85),
    (r"\bsexual orientation\b", "eeo-sexual-orientation", 0.85),
    (r"\btransgender\b", "eeo-transgender", 0.85),
    (r"\bgender\b|\bsex\b", "eeo-gender", 0.85),
    (
        r"\b(salary|compensation|pay|rate) (expectation|requirement|range)s?\b"
        r"|\b(desired|expected|target|anticipated|minimum) (annual |base |hourly )?(salary|compensation|pay|rate)\b",
        "salary",
        0.85,
    ),
    (
        r"\bstart(ing)? date\b|\bwhen (can|could|would) you (\w+ ){0,2}start\b|\bavailable to start\b"
        r"|\bearliest (\w+ ){0,2}(start|availability|available)\b|\bavailability (to start|date)\b"
        r"|\bdate available\b",
        "start-date",
        0.85,
    ),
    (
        r"\bi (have read|agree|acknowledge|consent|accept|certify|confirm|understand|attest)\b|\bconsent\b"
        r"|\bprivacy (policy|notice|statement)\b|\bterms (of (service|use)|and conditions)\b|\bgdpr\b"
        r"|\bdata (processing|protection|retention)\b",
        CONSENT,
        0.85,
    ),
)

# Rules naming a piece of identity only hold for short labels: a long question that merely
# mentions "LinkedIn" or "city" is a custom question, not that field.
_IDENTITY_RULES = _rules(
    (r"\bcover (letter|note)\b|\bmotivation(al)? letter\b", "cover-letter", 0.9),
    (r"\bresume\b|\bcv\b|\bcurriculum vitae\b", "resume", 0.9),
    (r"\blinked ?in\b", "linkedin", 0.9),
    (r"\bgit ?hub\b", "github", 0.9),
    (r"\btwitter\b", "twitter", 0.85),
    (
        r"\bweb ?site\b|\bportfolio\b|\bhome ?page\b|\bpersonal (site|page|url|link)\b|\bblog\b",
        "website",
        0.85,
    ),
    (r"\be ?mail\b", "email", 0.9),
    (r"\bcountry code\b|\bdial(l?ing)? code\b", "tel-country-code", 0.85),
    (r"\b(tele)?phone\b|\bmobile\b|\bcell\b|\bcontact number\b", "tel", 0.9),
    (r"\bpreferred (first )?name\b|\bnick ?name\b", "given-name", 0.7),
    (r"\bmiddle (name|initial)", "additional-name", 0.85),
    (r"\b(first|given|fore) ?name\b|^first$", "given-name", 0.9),
    (r"\b(last|family) ?name\b|\bsurname\b|^last$", "family-name", 0.9),
    (r"\bsignature\b|^sign\b|^(your )?initials$", "signature", 0.85),
    (
        r"^((current|present|most recent|latest) )?(company|employer|organi[sz]ation)( name)?$"
        r"|\b(current|present|most recent|latest) (company|employer)\b",
        "current-company",
        0.85,
    ),
    (
        r"^((current|present|most recent|latest|job|your) )*(job )?(title|role|position)$"
        r"|\b(current|present|most recent) (job )?(title|role|position)\b",
        "current-title",
        0.85,
    ),
    (r"^((your|full|legal|complete|candidate|applicant) )*name\b|\bfull (legal )?name\b", "name", 0.9),
    (r"\b(salary|compensation)\b", "salary", 0.8),
    (r"\bheadline\b", "headline", 0.8),
    (r"^(professional )?summary$|^about (you|me|yourself)$|^(short )?bio$", "summary", 0.75),
    (r"\bzip\b|\bpostal ?code\b|\bpost ?code\b", "postal-code", 0.85),
    (
        r"\bcity\b.*\b(state|province|region|country)\b|\b(state|province|region|country)\b.*\bcity\b",
        "location",
        0.85,
    ),
    (r"\bcity\b|\btown\b", "city", 0.85),
    (
        r"^((current|your|candidate|home) )?location\b|\bcurrent (location|residence)\b"
        r"|\bwhere (are you|do you) (currently )?(located|based|live|reside)\b",
        "location",
        0.8,
    ),
    (
        r"^((current|home) )?country( of residence)?$|\bcountry of residence\b"
        r"|\b(which|what) country (do you|are you) (currently )?(live|living|reside|residing|based|located)\b",
        "country",
        0.85,
    ),
    (r"^(state|province|region|county)( or province| province| region)?( of residence)?$", "region", 0.8),
    (r"^((street|home|mailing|postal) )?address( line 1)?$|\bstreet address\b", "street-address", 0.8),
    (r"\bdate of birth\b|\bbirth ?date\b|\bbirthday\b", "bday", 0.85),
)
_CONSENT_RULE = _QUESTION_RULES[-1]


def classify(field: FormField) -> tuple[str, float]:
    """Return the semantic token of `field` and a confidence in 0..1.

    "custom" (confidence 0.5) means no known meaning: only the answer bank can fill it.
    """
    token, confidence = _classify(field)
    return _fit_kind(field, token, confidence)


def is_eeo(token: str) -> bool:
    """Tell whether `token` is a voluntary self-identification (EEO) question."""
    return token.startswith(EEO_PREFIX)


def _classify(field: FormField) -> tuple[str, float]:
    by_autocomplete = _from_autocomplete(field.autocomplete)
    if by_autocomplete is not None:
        return by_autocomplete
    by_name = _from_name(field.name) or _from_name(field.id)
    by_text = _from_text(field)
    if by_name is not None:
        weak = by_name[1] < 0.9
        if not (weak and by_text is not None and by_text[1] >= 0.7 and by_text[0] != CUSTOM):
            return by_name
    return by_text or (CUSTOM, 0.5)


def _from_autocomplete(autocomplete: str) -> tuple[str, float] | None:
    tokens = [
        token
        for token in autocomplete.lower().split()
        if not token.startswith("section-") and token not in _AUTOCOMPLETE_MODIFIERS
    ]
    if tokens and tokens[-1] in _AUTOCOMPLETE:
        return _AUTOCOMPLETE[tokens[-1]], 0.97
    return None


def _from_name(name: str) -> tuple[str, float] | None:
    segments = [segment.strip().lower() for segment in re.findall(r"[^\[\]]+", name) if segment.strip()]
    if not segments:
        return None
    head = segments[0]
    if head == "cards":
        return None
    if head == "urls" and len(segments) > 1:
        token = _LEVER_URLS.get(compact(segments[1]), "url")
        return token, 0.95
    meaningful = [segment for segment in segments if not _OPAQUE_SEGMENT.fullmatch(segment)]
    if not meaningful:
        return None
    key = compact(_SYSTEM_PREFIX.sub("", meaningful[-1]))
    if key in _NAME_INDEX:
        return _NAME_INDEX[key], 0.95
    if key in _WEAK_NAMES:
        return _WEAK_NAMES[key], 0.75
    return None


def _from_text(field: FormField) -> tuple[str, float] | None:
    for text, scale in ((field.label, 1.0), (field.placeholder, 0.9)):
        found = label_token(text)
        if found is not None:
            return found[0], round(found[1] * scale, 3)
    if field.section:
        # A section heading such as "Disability status" can carry the meaning of a bare
        # "Please check one" label; only self-identification questions are read this way.
        found = label_token(f"{field.section} {field.label}")
        if found is not None and is_eeo(found[0]):
            return found[0], 0.7
    return None


def label_token(text: str) -> tuple[str, float] | None:
    """Return the semantic token English label `text` names, or None when it names none."""
    normalized = words(strip_required_mark(text))
    if not normalized:
        return None
    work = _work_token(normalized)
    if work is not None and not _QUESTION_RULES[0].pattern.search(normalized):
        return work, 0.9
    for rule in _QUESTION_RULES:
        if rule.pattern.search(normalized):
            return rule.token, rule.confidence
    if len(normalized.split()) > SHORT_LABEL_WORDS or _YES_NO_QUESTION.match(normalized):
        return None
    for rule in _IDENTITY_RULES:
        if rule.pattern.search(normalized):
            return rule.token, rule.confidence
    return None


def _work_token(normalized: str) -> str | None:
    if _SPONSOR.search(normalized):
        # "Can you work in the US without sponsorship?" asks for authorization, not a need.
        if _WITHOUT_SPONSOR.search(normalized) and (_AUTH.search(normalized) or _WORK_IN.search(normalized)):
            return WORK_AUTHORIZATION
        return SPONSORSHIP
    if _AUTH.search(normalized):
        return WORK_AUTHORIZATION
    return None


def _fit_kind(field: FormField, token: str, confidence: float) -> tuple[str, float]:
    if field.kind == "file":
        return (token, confidence) if token in FILE_TOKENS else (CUSTOM, 0.5)
    if field.kind == "checkbox" and token not in CHECKBOX_TOKENS and not is_eeo(token):
        if _CONSENT_RULE.pattern.search(words(field.label)):
            return CONSENT, _CONSENT_RULE.confidence
        return CUSTOM, 0.5
    return token, confidence
