"""Fitting an answer to a control: which option it means, which option means "decline",
and how text must look for number, date and length-limited fields.

Holds the shared vocabulary for that: ISO 3166-1 alpha-2 country names with common aliases,
yes/no synonyms and "decline to self-identify" wording. Every match is exact or unique;
nothing here ever falls back to "the first option".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from services.common.questions import compact, normalize_question, words

if TYPE_CHECKING:
    from services.automation.fieldmap import FieldOption, FormField

_COUNTRIES = """
AD=Andorra|AE=United Arab Emirates|AF=Afghanistan|AG=Antigua and Barbuda|AI=Anguilla|AL=Albania|
AM=Armenia|AO=Angola|AQ=Antarctica|AR=Argentina|AS=American Samoa|AT=Austria|AU=Australia|AW=Aruba|
AX=Åland Islands|AZ=Azerbaijan|BA=Bosnia and Herzegovina|BB=Barbados|BD=Bangladesh|BE=Belgium|
BF=Burkina Faso|BG=Bulgaria|BH=Bahrain|BI=Burundi|BJ=Benin|BL=Saint Barthélemy|BM=Bermuda|BN=Brunei|
BO=Bolivia|BQ=Bonaire, Sint Eustatius and Saba|BR=Brazil|BS=Bahamas|BT=Bhutan|BV=Bouvet Island|
BW=Botswana|BY=Belarus|BZ=Belize|CA=Canada|CC=Cocos (Keeling) Islands|
CD=Democratic Republic of the Congo|CF=Central African Republic|CG=Congo|CH=Switzerland|
CI=Côte d'Ivoire|CK=Cook Islands|CL=Chile|CM=Cameroon|CN=China|CO=Colombia|CR=Costa Rica|CU=Cuba|
CV=Cabo Verde|CW=Curaçao|CX=Christmas Island|CY=Cyprus|CZ=Czechia|DE=Germany|DJ=Djibouti|DK=Denmark|
DM=Dominica|DO=Dominican Republic|DZ=Algeria|EC=Ecuador|EE=Estonia|EG=Egypt|EH=Western Sahara|
ER=Eritrea|ES=Spain|ET=Ethiopia|FI=Finland|FJ=Fiji|FK=Falkland Islands|FM=Micronesia|
FO=Faroe Islands|FR=France|GA=Gabon|GB=United Kingdom|GD=Grenada|GE=Georgia|GF=French Guiana|
GG=Guernsey|GH=Ghana|GI=Gibraltar|GL=Greenland|GM=Gambia|GN=Guinea|GP=Guadeloupe|
GQ=Equatorial Guinea|GR=Greece|GS=South Georgia and the South Sandwich Islands|GT=Guatemala|GU=Guam|
GW=Guinea-Bissau|GY=Guyana|HK=Hong Kong|HM=Heard Island and McDonald Islands|HN=Honduras|HR=Croatia|
HT=Haiti|HU=Hungary|ID=Indonesia|IE=Ireland|IL=Israel|IM=Isle of Man|IN=India|
IO=British Indian Ocean Territory|IQ=Iraq|IR=Iran|IS=Iceland|IT=Italy|JE=Jersey|JM=Jamaica|
JO=Jordan|JP=Japan|KE=Kenya|KG=Kyrgyzstan|KH=Cambodia|KI=Kiribati|KM=Comoros|
KN=Saint Kitts and Nevis|KP=North Korea|KR=South Korea|KW=Kuwait|KY=Cayman Islands|KZ=Kazakhstan|
LA=Laos|LB=Lebanon|LC=Saint Lucia|LI=Liechtenstein|LK=Sri Lanka|LR=Liberia|LS=Lesotho|LT=Lithuania|
LU=Luxembourg|LV=Latvia|LY=Libya|MA=Morocco|MC=Monaco|MD=Moldova|ME=Montenegro|
MF=Saint Martin (French part)|MG=Madagascar|MH=Marshall Islands|MK=North Macedonia|ML=Mali|
MM=Myanmar|MN=Mongolia|MO=Macao|MP=Northern Mariana Islands|MQ=Martinique|MR=Mauritania|
MS=Montserrat|MT=Malta|MU=Mauritius|MV=Maldives|MW=Malawi|MX=Mexico|MY=Malaysia|MZ=Mozambique|
NA=Namibia|NC=New Caledonia|NE=Niger|NF=Norfolk Island|NG=Nigeria|NI=Nicaragua|NL=Netherlands|
NO=Norway|NP=Nepal|NR=Nauru|NU=Niue|NZ=New Zealand|OM=Oman|PA=Panama|PE=Peru|PF=French Polynesia|
PG=Papua New Guinea|PH=Philippines|PK=Pakistan|PL=Poland|PM=Saint Pierre and Miquelon|PN=Pitcairn|
PR=Puerto Rico|PS=Palestine|PT=Portugal|PW=Palau|PY=Paraguay|QA=Qatar|RE=Réunion|RO=Romania|
RS=Serbia|RU=Russia|RW=Rwanda|SA=Saudi Arabia|SB=Solomon Islands|SC=Seychelles|SD=Sudan|SE=Sweden|
SG=Singapore|SH=Saint Helena, Ascension and Tristan da Cunha|SI=Slovenia|SJ=Svalbard and Jan Mayen|
SK=Slovakia|SL=Sierra Leone|SM=San Marino|SN=Senegal|SO=Somalia|SR=Suriname|SS=South Sudan|
ST=Sao Tome and Principe|SV=El Salvador|SX=Sint Maarten (Dutch part)|SY=Syria|SZ=Eswatini|
TC=Turks and Caicos Islands|TD=Chad|TF=French Southern Territories|TG=Togo|TH=Thailand|
TJ=Tajikistan|TK=Tokelau|TL=Timor-Leste|TM=Turkmenistan|TN=Tunisia|TO=Tonga|TR=Türkiye|
TT=Trinidad and Tobago|TV=Tuvalu|TW=Taiwan|TZ=Tanzania|UA=Ukraine|UG=Uganda|
UM=United States Minor Outlying Islands|US=United States|UY=Uruguay|UZ=Uzbekistan|VA=Vatican City|
VC=Saint Vincent and the Grenadines|VE=Venezuela|VG=British Virgin Islands|VI=U.S. Virgin Islands|
VN=Vietnam|VU=Vanuatu|WF=Wallis and Futuna|WS=Samoa|YE=Yemen|YT=Mayotte|ZA=South Africa|ZM=Zambia|
ZW=Zimbabwe
"""
_ALIASES = """
US=United States of America|US=USA|US=U.S.|US=U.S.A.|US=America|GB=UK|GB=U.K.|GB=Great Britain|
GB=Britain|GB=England|GB=Scotland|GB=Wales|GB=Northern Ireland|
GB=United Kingdom of Great Britain and Northern Ireland|KR=Korea|KR=Republic of Korea|KR=Korea, Republic of|
KP=Democratic People's Republic of Korea|KP=Korea, Democratic People's Republic of|RU=Russian Federation|
IR=Iran, Islamic Republic of|VN=Viet Nam|CZ=Czech Republic|NL=Holland|AE=UAE|TR=Turkey|TR=Turkiye|
CI=Ivory Coast|SZ=Swaziland|MK=Macedonia|MM=Burma|CV=Cape Verde|TW=Taiwan, Province of China|
BO=Bolivia, Plurinational State of|VE=Venezuela, Bolivarian Republic of|TZ=Tanzania, United Republic of|
MD=Moldova, Republic of|MD=Republic of Moldova|LA=Lao People's Democratic Republic|SY=Syrian Arab Republic|
PS=Palestine, State of|PS=Palestinian Territories|VA=Holy See|BN=Brunei Darussalam|CD=DRC|CD=DR Congo|
CD=Congo, The Democratic Republic of the|CG=Republic of the Congo|HK=Hong Kong SAR|MO=Macau|
CN=People's Republic of China|CN=PRC|CN=Mainland China|TL=East Timor|FK=Falkland Islands (Malvinas)|
VG=Virgin Islands, British|VI=Virgin Islands, U.S.|FM=Micronesia, Federated States of|IE=Republic of Ireland
"""


def _pairs(table: str) -> list[tuple[str, str]]:
    entries = (entry.strip() for entry in table.replace("\n", "").split("|"))
    return [(entry[:2], entry[3:]) for entry in entries if entry]


COUNTRY_NAMES = MappingProxyType(dict(_pairs(_COUNTRIES)))
_COUNTRY_KEYS = MappingProxyType(
    {normalize_question(name): code for code, name in (*_pairs(_COUNTRIES), *_pairs(_ALIASES))}
)
# Names that in a question usually mean something else: US states ("Georgia", "New Jersey",
# "New South Wales") and continents ("Latin America").
_NOT_IN_QUESTIONS = frozenset(
    {normalize_question(name) for name in ("Georgia", "Jersey", "Wales", "America")}
)
_COUNTRY_IN_TEXT = re.compile(
    r"\b("
    + "|".join(
        re.escape(key) for key in sorted(_COUNTRY_KEYS, key=len, reverse=True) if key not in _NOT_IN_QUESTIONS
    )
    + r")\b"
)

_YES = frozenset({"yes", "y", "true", "1", "agree", "iagree", "accept", "iaccept", "checked"})
_NO = frozenset({"no", "n", "false", "0", "disagree", "idisagree", "unchecked"})
_PLACEHOLDER = re.compile(r"((please )?(select|choose|pick)( \w+){0,3}|none selected)?")
_DECLINE = re.compile(
    r"\bdecline\b|\b(do not|don t|dont) (wish|want|care) to\b|\bprefer not\b|\brather not\b"
    r"|\bchoose not to\b|\bwish not to\b|\bnot to (disclose|say|answer|specify|(self )?identify)\b"
    r"|\bnot (disclose|say|answer)\b|\bno answer\b"
)
_PARENTHETICAL = re.compile(r"\s*\([^)]*\)\s*")
_NUMBER = re.compile(r"\D*?(\d[\d,]*(?:\.\d+)?)\s*([kK])?\b\D*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LIST_SEPARATOR = re.compile(r"\s*[;\n|]\s*")
SINGLE_CHOICE_KINDS = frozenset({"select", "radio", "combobox"})
MULTI_CHOICE_KINDS = frozenset({"multiselect", "checkbox_group"})
PREVIEW_CHARS = 60
_SYNONYMS = (frozenset({"male", "man"}), frozenset({"female", "woman"}))


def country_name(code: str) -> str:
    """Return the English name of an ISO alpha-2 code ("" when unknown)."""
    return COUNTRY_NAMES.get(code.strip().upper(), "")


def country_code(text: str) -> str | None:
    """Return the ISO alpha-2 code `text` names: a code in capitals ("NO"), a name or an alias."""
    raw = text.strip()
    if re.fullmatch(r"[A-Z]{2}", raw) and raw in COUNTRY_NAMES:
        return raw
    key = normalize_question(raw)
    if key.startswith("republic of ") and key not in _COUNTRY_KEYS:
        key = key.removeprefix("republic of ")
    return _COUNTRY_KEYS.get(key)


def countries_named(text: str) -> frozenset[str]:
    """Return the codes of every country `text` mentions by name (e.g. a work-authorization question)."""
    return frozenset(
        _COUNTRY_KEYS[match.group(1)] for match in _COUNTRY_IN_TEXT.finditer(normalize_question(text))
    )


def polarity(text: str) -> bool | None:
    """Return True for a yes-like answer, False for a no-like one, None otherwise."""
    key = compact(text)
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def is_placeholder(option: FieldOption) -> bool:
    """Tell whether `option` is a "Select…" prompt rather than a choice."""
    return not option.value.strip() and bool(_PLACEHOLDER.fullmatch(words(option.label)))


def is_decline(option: FieldOption) -> bool:
    """Tell whether `option` means "I decline to self-identify"."""
    return bool(_DECLINE.search(words(option.label)))


def real_options(options: Sequence[FieldOption]) -> list[FieldOption]:
    """Return `options` without "Select…" prompts."""
    return [option for option in options if not is_placeholder(option)]


def decline_option(options: Sequence[FieldOption]) -> FieldOption | None:
    """Return the option meaning "decline to self-identify", if the control has one."""
    return next((option for option in real_options(options) if is_decline(option)), None)


def answer_matches_option(answer: str, options: Sequence[FieldOption]) -> FieldOption | None:
    """Return the option `answer` means, or None when no option matches it unambiguously.

    Tried in turn: exact label or value; the same ignoring case, accents and punctuation;
    yes/no synonyms (including options such as "Yes, I am authorized"); country codes, names
    and aliases; the label without its parenthetical ("White" for "White (Not Hispanic or
    Latino)"); a few gender synonyms.
    """
    answer = answer.strip()
    choices = real_options(options)
    if not answer or not choices:
        return None
    for match in _MATCHERS:
        found = match(answer, choices)
        if found is not None:
            return found
    return None


def _unique(choices: Sequence[FieldOption], accept: Callable[[FieldOption], bool]) -> FieldOption | None:
    found = [option for option in choices if accept(option)]
    return found[0] if len(found) == 1 else None


def _exact(answer: str, choices: Sequence[FieldOption]) -> FieldOption | None:
    return next(
        (option for option in choices if answer in (option.label.strip(), option.value.strip())), None
    )


def _folded(answer: str, choices: Sequence[FieldOption]) -> FieldOption | None:
    key = compact(answer)
    if not key:
        return None
    by_label = _unique(choices, lambda option: compact(option.label) == key)
    if by_label is not None or polarity(answer) is not None:
        # A yes/no word is matched by meaning, never by a value such as Norway's "NO".
        return by_label
    return _unique(choices, lambda option: compact(option.value) == key)


def _option_polarity(option: FieldOption, strict: bool) -> bool | None:
    exact = polarity(option.label)
    if exact is not None or strict:
        return exact
    first = words(option.label).split(" ", 1)[0]
    return True if first == "yes" else False if first == "no" else None


def _yes_no(answer: str, choices: Sequence[FieldOption]) -> FieldOption | None:
    wanted = polarity(answer)
    if wanted is None:
        return None
    return _unique(choices, lambda option: _option_polarity(option, strict=True) is wanted) or _unique(
        choices, lambda option: _option_polarity(option, strict=False) is wanted
    )


def _country(answer: str, choices: Sequence[FieldOption]) -> FieldOption | None:
    code = country_code(answer)
    if code is None:
        return None
    return _unique(choices, lambda option: code in (country_code(option.label), country_code(option.value)))


def _base_label(answer: str, choices: Sequence[FieldOption]) -> FieldOption | None:
    key = compact(answer)
    return _unique(choices, lambda option: compact(_PARENTHETICAL.sub(" ", option.label)) == key)


def _synonym(answer: str, choices: Sequence[FieldOption]) -> FieldOption | None:
    group = next((group for group in _SYNONYMS if compact(answer) in group), None)
    if group is None:
        return None
    return _unique(choices, lambda option: compact(option.label) in group)


_MATCHERS = (_exact, _folded, _yes_no, _country, _base_label, _synonym)


class Fitted(NamedTuple):
    """An answer in the shape a control takes: option value(s), text or a checkbox state."""

    value: str | tuple[str, ...] | bool
    preview: str
    confidence_cap: float = 1.0


def is_choice(form_field: FormField) -> bool:
    """Tell whether the control takes one of its options rather than free text."""
    if form_field.kind == "combobox":
        return bool(form_field.options)
    return form_field.kind in SINGLE_CHOICE_KINDS or form_field.kind in MULTI_CHOICE_KINDS


def fit_answer(form_field: FormField, answer: str) -> Fitted | None:
    """Turn a wanted answer into what the control takes, or None if it cannot take it confidently.

    A select or radio group without a matching option, a checkbox with an answer that is not
    yes/no, a number field with no number or a date field without an ISO date all give None.
    """
    if form_field.kind == "checkbox":
        checked = polarity(answer)
        return None if checked is None else Fitted(checked, "checked" if checked else "unchecked")
    if form_field.kind in MULTI_CHOICE_KINDS:
        chosen = _match_many(answer, form_field.options)
        if chosen is None:
            return None
        return Fitted(tuple(option.value for option in chosen), ", ".join(option.label for option in chosen))
    if is_choice(form_field):
        option = answer_matches_option(answer, form_field.options)
        return None if option is None else Fitted(option.value, option.label)
    if form_field.kind in ("select", "radio"):
        return None
    # A combobox without listed options is a typeahead: it takes text.
    return _fit_text(form_field, answer)


def preview(text: str) -> str:
    """Return `text` on one line, cut to a short preview."""
    line = " ".join(text.split())
    return line if len(line) <= PREVIEW_CHARS else line[: PREVIEW_CHARS - 1] + "…"


def _match_many(answer: str, options: Sequence[FieldOption]) -> tuple[FieldOption, ...] | None:
    whole = answer_matches_option(answer, options)
    if whole is not None:
        return (whole,)
    parts = [part for part in _LIST_SEPARATOR.split(answer.strip()) if part]
    chosen = [answer_matches_option(part, options) for part in parts]
    if len(parts) < 2 or any(option is None for option in chosen):
        return None
    return tuple(dict.fromkeys(option for option in chosen if option is not None))


def _fit_text(form_field: FormField, answer: str) -> Fitted | None:
    text = answer.strip()
    if form_field.kind == "number":
        text = _as_number(text) or ""
    elif form_field.kind == "date" and not _ISO_DATE.fullmatch(text):
        text = ""
    if not text:
        return None
    limit = form_field.max_length
    if limit is None or not 0 < limit < len(text):
        return Fitted(text, preview(text))
    # Cutting an address, URL or name makes it wrong; cutting prose only shortens it.
    if form_field.kind != "textarea":
        return None
    cut = text[:limit]
    if " " in cut and not text[limit].isspace():
        cut = cut.rsplit(None, 1)[0]
    return Fitted(cut.rstrip(), preview(cut), confidence_cap=0.8)


def _as_number(text: str) -> str | None:
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    digits = match.group(1).replace(",", "")
    if match.group(2):
        thousands = float(digits) * 1000
        return str(int(thousands)) if thousands.is_integer() else str(thousands)
    return digits
