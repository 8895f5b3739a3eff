"""One normalizer per personal-data field, turning raw text into the plaintext platforms hash.

Each returns the normalized plaintext or raises `Refused` with a rule that never repeats the
value (law 5: the raw value must not reach a log or an error message). The rules and their
sources are in reference/platforms.md §1 and each platform's normalization table.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

import phonenumbers

from services.common.identity.places import ALPHA2, COUNTRIES, US_STATES, fold


class Refused(ValueError):
    """A value that cannot be normalized; `rule` says why without quoting the value."""

    def __init__(self, rule: str) -> None:
        super().__init__(rule)
        self.rule = rule


_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
_GOOGLE_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
_NOT_ASCII_LETTER = re.compile(r"[^a-z]")
_NOT_ASCII_LETTER_OR_SPACE = re.compile(r"[^a-z ]")
_WHITESPACE = re.compile(r"\s+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_US_ZIP_PLUS_4 = re.compile(r"\d{5}-\d{4}")
_FIVE_DIGITS = re.compile(r"\d{5}")
_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9]")
_GENDERS = {"f": "f", "female": "f", "m": "m", "male": "m"}
_DATE_RULE = (
    "must be a date as YYYY-MM-DD, YYYYMMDD or MM/DD/YYYY "
    "(day-first and two-digit-year forms are refused as ambiguous)"
)
_NATIONAL_PHONE_RULE = (
    "national number needs a default country (set the organization's or campaign's default_country)"
)
_PHONE_RULES = {
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "has an unknown country calling code",
    phonenumbers.ValidationResult.TOO_SHORT: "has too few digits for its country",
    phonenumbers.ValidationResult.TOO_LONG: "has too many digits for its country",
    phonenumbers.ValidationResult.INVALID_LENGTH: "has a digit count its country does not use",
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "lacks its area code",
}


def email(value: str) -> str:
    """Trimmed and lowercased, as Meta, TikTok, Snapchat, Pinterest, LinkedIn and Microsoft want."""
    text = value.strip().lower()
    if not _EMAIL.fullmatch(text):
        raise Refused("must be an e-mail address")
    return text


def email_for_google(normalized: str) -> str:
    """Google's form: Gmail and Googlemail local parts lose their dots (the doc text, §3.3)."""
    local, _, domain = normalized.rpartition("@")
    if domain not in _GOOGLE_DOMAINS:
        return normalized
    return f"{local.replace('.', '')}@{domain}"


def email_for_reddit(normalized: str) -> str:
    """Reddit's canonical form: no dots and no +suffix in the local part; "" if nothing is left."""
    local, _, domain = normalized.rpartition("@")
    local = local.split("+", 1)[0].replace(".", "")
    # An address whose local part is all dots or starts with '+' has no Reddit form; the other
    # variants still carry it, so this one stays empty rather than refusing the whole e-mail.
    return f"{local}@{domain}" if local else ""


def phone_e164(value: str, region: str | None) -> str:
    """E.164 with '+'; '+' or '00' means international, anything else is read in `region`."""
    text = value.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        region = None
    elif region is None:
        raise Refused(_NATIONAL_PHONE_RULE)
    try:
        number = phonenumbers.parse(text, region.upper() if region else None)
    except phonenumbers.NumberParseException:
        raise Refused("must be a phone number") from None
    # Length per country, not is_valid_number: number ranges change faster than deployed
    # metadata, and refusing a real new range would drop the conversion, not just the match.
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise Refused(_PHONE_RULES.get(reason, "is not a possible phone number"))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_digits(e164: str) -> str:
    """Meta, Snapchat and Pinterest's form: country code and number, digits only, no '+'."""
    return e164[1:]


def _letters(text: str) -> str:
    """Lowercase letters only (any script, accents kept and composed)."""
    lowered = text.lower()
    if lowered.isascii():
        return _NOT_ASCII_LETTER.sub("", lowered)
    composed = unicodedata.normalize("NFC", lowered)
    return "".join(ch for ch in composed if unicodedata.category(ch)[0] in "LM")


def _letters_and_spaces(text: str) -> str:
    """Lowercase letters and single inner spaces, trimmed."""
    lowered = text.lower()
    if lowered.isascii():
        kept = _NOT_ASCII_LETTER_OR_SPACE.sub("", _WHITESPACE.sub(" ", lowered))
    else:
        composed = unicodedata.normalize("NFC", _WHITESPACE.sub(" ", lowered))
        kept = "".join(ch for ch in composed if ch == " " or unicodedata.category(ch)[0] in "LM")
    return " ".join(kept.split())


def name(value: str) -> str:
    """Lowercase letters only, punctuation and spaces removed, UTF-8 letters kept (`Valéry`)."""
    letters = _letters(value)
    if not letters:
        raise Refused("must contain letters")
    return letters


def first_name_for_google(value: str) -> str:
    """Google's first name: lowercase, no spaces around, single spaces inside."""
    return " ".join(unicodedata.normalize("NFC", value.lower()).split())


def last_name_for_google(value: str) -> str:
    """Google's last name: lowercase, no punctuation (inner spaces kept single)."""
    return _letters_and_spaces(value)


def date_of_birth(value: str, today: datetime.date) -> str:
    """YYYYMMDD from YYYY-MM-DD, YYYYMMDD or MM/DD/YYYY; a real date from 1900 to today."""
    text = value.strip()
    if match := _ISO_DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _US_DATE.fullmatch(text):
        month, day, year = (int(part) for part in match.groups())
    else:
        raise Refused(_DATE_RULE)
    try:
        born = datetime.date(year, month, day)
    except ValueError:
        raise Refused(_DATE_RULE) from None
    if not datetime.date(1900, 1, 1) <= born <= today:
        raise Refused("must be between 1900-01-01 and today")
    return born.strftime("%Y%m%d")


def gender(value: str) -> str:
    """f or m, from f, m, female or male in any case."""
    letter = _GENDERS.get(value.strip().lower())
    if letter is None:
        raise Refused("must be f, m, female or male")
    return letter


def city(value: str) -> str:
    """Lowercase letters only: no spaces, digits or punctuation (`New York` → `newyork`)."""
    letters = _letters(value)
    if not letters:
        raise Refused("must contain letters")
    return letters


def state(value: str, country: str | None) -> str:
    """US state names become their two-letter code; elsewhere lowercase letters only."""
    letters = _letters(value)
    if not letters:
        raise Refused("must contain letters")
    if country in (None, "us"):
        return US_STATES.get(letters, letters)
    return letters


def zip_code(value: str, country: str | None) -> str:
    """Lowercase, no spaces or dashes; US codes (and unplaced ZIP+4) keep their first 5 digits."""
    text = value.strip().lower()
    if country == "us" or (country is None and _US_ZIP_PLUS_4.fullmatch(text)):
        head = "".join(text.split("-", 1)[0].split())[:5]
        if not _FIVE_DIGITS.fullmatch(head):
            raise Refused("must start with the five-digit US ZIP code")
        return head
    compact = _NOT_ASCII_ALNUM.sub("", text)
    if not compact:
        raise Refused("must contain letters or digits")
    return compact


def country(value: str) -> str:
    """ISO 3166-1 alpha-2, lowercase, from a code (alpha-2 or alpha-3) or an English name."""
    code = COUNTRIES.get(fold(value))
    if code is None:
        raise Refused("must be an ISO 3166-1 country code or an English country name")
    return code


def country_code(value: str | None) -> str | None:
    """A configured default country as a lowercase alpha-2 code, or None if unset or unknown."""
    if not value:
        return None
    code = value.strip().lower()
    return code if code in ALPHA2 else COUNTRIES.get(fold(value))


def external_id(value: str) -> str:
    """Trimmed and lowercased."""
    return value.strip().lower()


def street(value: str) -> str:
    """Lowercase, trimmed, runs of whitespace made single spaces."""
    return " ".join(value.lower().split())
