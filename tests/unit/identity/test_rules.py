"""Each field's rule, the refusals, pre-hashed and empty input, and the problem list."""

from __future__ import annotations

import datetime
import hashlib

import pytest

from services.common.errors import InvalidArgument, Problem
from services.common.identity import hash_identity, normalize_user, rules
from switchyard.v1 import common_pb2, ingest_pb2

TODAY = datetime.date(2026, 6, 15)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def hashed(default_country: str | None = None, **fields: str) -> common_pb2.HashedIdentity:
    return hash_identity(ingest_pb2.UserInput(**fields), default_country)


def problems(default_country: str | None = None, **fields: str) -> list[Problem]:
    return normalize_user(ingest_pb2.UserInput(**fields), default_country)[1]


@pytest.mark.parametrize(
    ("raw", "meta", "google", "reddit"),
    [
        (
            " Al.Ice+Tag@Gmail.COM ",
            "al.ice+tag@gmail.com",
            "alice+tag@gmail.com",
            "alice@gmail.com",
        ),
        ("j.d@googlemail.com", "j.d@googlemail.com", "jd@googlemail.com", "jd@googlemail.com"),
        ("j.d@mail.gmail.com", "j.d@mail.gmail.com", "j.d@mail.gmail.com", "jd@mail.gmail.com"),
        ("Élodie.B@Exemple.fr", "élodie.b@exemple.fr", "élodie.b@exemple.fr", "élodieb@exemple.fr"),
    ],
)
def test_email_variants(raw: str, meta: str, google: str, reddit: str) -> None:
    identity = hashed(email=raw)
    assert (identity.email, identity.email_google, identity.email_reddit) == (
        sha(meta),
        sha(google),
        sha(reddit),
    )


def test_email_without_a_reddit_form_fills_the_others() -> None:
    identity = hashed(email="+only@example.com")
    assert identity.email == sha("+only@example.com")
    assert identity.email_reddit == ""


@pytest.mark.parametrize("raw", ["nope", "a@b", "a b@example.com", "@example.com", "a@@b.com"])
def test_email_refused(raw: str) -> None:
    assert problems(email=raw) == [Problem("user.email", "must be an e-mail address")]


@pytest.mark.parametrize(
    ("raw", "default_country", "e164"),
    [
        ("(650) 555-1212", "US", "+16505551212"),
        ("650.555.1212", "us", "+16505551212"),
        ("+1 650 555 1212 ext. 42", None, "+16505551212"),
        ("0044 (0)20 7946 0958", None, "+442079460958"),
        ("+44 (0)20 7946 0958", None, "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("07700 900123", "United Kingdom", "+447700900123"),
        ("030 1234567", "DE", "+49301234567"),
        ("+39 06 1234 5678", None, "+390612345678"),  # Italy keeps its leading 0 in E.164
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+49 30 1234567", "US", "+49301234567"),  # international ignores the default
    ],
)
def test_phone_variants(raw: str, default_country: str | None, e164: str) -> None:
    identity = hashed(default_country, phone=raw)
    assert identity.phone_e164 == sha(e164)
    assert identity.phone == sha(e164[1:])


def test_national_phone_falls_back_to_the_persons_country() -> None:
    assert hashed(None, phone="020 7946 0958", country="GB").phone == sha("442079460958")
    # The campaign's default wins over the person's address country for reading phones.
    assert hashed("US", phone="(650) 555-1212", country="GB").phone == sha("16505551212")


@pytest.mark.parametrize(
    ("raw", "default_country", "rule"),
    [
        ("020 7946 0958", None, rules._NATIONAL_PHONE_RULE),
        ("020 7946 0958", "Narnia", rules._NATIONAL_PHONE_RULE),
        ("+999 1234 5678", None, "must be a phone number"),
        ("call me", "US", "must be a phone number"),
        ("+1 650 555", None, "has too few digits for its country"),
        ("+1 650 555 1212 999", None, "has too many digits for its country"),
        ("555-1212", "US", "lacks its area code"),
    ],
)
def test_phone_refused(raw: str, default_country: str | None, rule: str) -> None:
    assert problems(default_country, phone=raw) == [Problem("user.phone", rule)]


def test_national_phone_rule_text() -> None:
    assert problems(phone="0612345678") == [
        Problem(
            "user.phone",
            "national number needs a default country "
            "(set the organization's or campaign's default_country)",
        )
    ]


@pytest.mark.parametrize(
    ("raw", "meta", "google_first", "google_last"),
    [
        ("Valéry", "valéry", "valéry", "valéry"),
        ("  Anne-Marie ", "annemarie", "anne-marie", "annemarie"),
        ("O'Brien", "obrien", "o'brien", "obrien"),
        ("Mary   Ann", "maryann", "mary ann", "mary ann"),
        ("José María", "josémaría", "josé maría", "josé maría"),
        ("Jose\u0301", "josé", "josé", "josé"),  # decomposed accent is composed (NFC)
        ("ЖАННА", "жанна", "жанна", "жанна"),
        ("Smith 3rd", "smithrd", "smith 3rd", "smith rd"),
    ],
)
def test_name_variants(raw: str, meta: str, google_first: str, google_last: str) -> None:
    identity = hashed(first_name=raw, last_name=raw)
    assert identity.first_name == identity.last_name == sha(meta)
    assert identity.first_name_google == sha(google_first)
    assert identity.last_name_google == sha(google_last)


@pytest.mark.parametrize("raw", ["---", "123", "'.'"])
def test_name_without_letters_refused(raw: str) -> None:
    assert problems(first_name=raw) == [Problem("user.first_name", "must contain letters")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1990-01-02", "19900102"),
        ("19900102", "19900102"),
        ("01/02/1990", "19900102"),  # MM/DD/YYYY: January 2nd
        ("1/2/1990", "19900102"),
        (" 12/31/1999 ", "19991231"),
        ("1900-01-01", "19000101"),
        ("2026-06-15", "20260615"),
    ],
)
def test_date_of_birth_accepted(raw: str, expected: str) -> None:
    assert rules.date_of_birth(raw, TODAY) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "25/12/1990",  # day-first: refused, never silently swapped
        "12/25/90",  # two-digit year
        "02.01.1990",
        "02-01-1990",
        "1990/01/02",
        "1990-02-30",
        "1990-13-01",
        "1990-1-2",
        "January 2, 1990",
        "1990-01-02T00:00:00",
    ],
)
def test_date_of_birth_ambiguous_or_malformed_refused(raw: str) -> None:
    with pytest.raises(rules.Refused) as refused:
        rules.date_of_birth(raw, TODAY)
    assert refused.value.rule == rules._DATE_RULE


@pytest.mark.parametrize("raw", ["1899-12-31", "2026-06-16", "3000-01-01"])
def test_date_of_birth_out_of_range_refused(raw: str) -> None:
    with pytest.raises(rules.Refused, match="between 1900-01-01 and today"):
        rules.date_of_birth(raw, TODAY)


def test_date_of_birth_in_the_future_is_refused_through_the_api() -> None:
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    assert problems(date_of_birth=tomorrow.isoformat()) == [
        Problem("user.date_of_birth", "must be between 1900-01-01 and today")
    ]


@pytest.mark.parametrize(
    ("raw", "expected"), [("F", "f"), ("female", "f"), (" MALE ", "m"), ("m", "m")]
)
def test_gender(raw: str, expected: str) -> None:
    assert hashed(gender=raw).gender == sha(expected)


@pytest.mark.parametrize("raw", ["x", "n", "fem", "woman"])
def test_gender_refused(raw: str) -> None:
    assert problems(gender=raw) == [Problem("user.gender", "must be f, m, female or male")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("New York", "newyork"), ("St. Louis", "stlouis"), ("São Paulo", "sãopaulo"),
     ("Winston-Salem (NC) 2", "winstonsalemnc")],
)  # fmt: skip
def test_city(raw: str, expected: str) -> None:
    assert hashed(city=raw).city == sha(expected)


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("California", "", "ca"),
        ("new york", "US", "ny"),
        ("C.A.", "us", "ca"),
        ("District of Columbia", "USA", "dc"),
        ("Georgia", "", "ga"),
        ("Île-de-France", "FR", "îledefrance"),
        ("Washington", "Canada", "washington"),  # names map only for US addresses
    ],
)
def test_state(raw: str, country: str, expected: str) -> None:
    assert hashed(state=raw, country=country).state == sha(expected)


def test_state_uses_the_default_country_when_the_person_has_none() -> None:
    assert hashed("DE", state="Georgia").state == sha("georgia")
    assert hashed("US", state="Georgia").state == sha("ga")


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("94025-1234", "US", "94025"),
        ("94025 1234", "us", "94025"),
        ("940251234", "us", "94025"),
        ("94025-1234", "", "94025"),  # ZIP+4 is US-shaped even without a country
        (" SW1A 1AA ", "GB", "sw1a1aa"),
        ("K1A 0B1", "CA", "k1a0b1"),
        ("00-950", "PL", "00950"),
        ("100-0001", "", "1000001"),
    ],
)
def test_zip(raw: str, country: str, expected: str) -> None:
    assert hashed(zip=raw, country=country).zip == sha(expected)


@pytest.mark.parametrize(("raw", "country"), [("ABCDE", "US"), ("9402", "US"), ("--", "")])
def test_zip_refused(raw: str, country: str) -> None:
    assert [p.field for p in problems(zip=raw, country=country)] == ["user.zip"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("US", "us"), ("usa", "us"), ("U.S.A.", "us"), ("United States", "us"),
     ("United States of America", "us"), ("U.K.", "gb"), ("uk", "gb"), ("GBR", "gb"),
     ("Great Britain", "gb"), ("Germany", "de"), (" de ", "de"), ("Côte d'Ivoire", "ci"),
     ("Cote d'Ivoire", "ci"), ("Türkiye", "tr"), ("Turkey", "tr"), ("South Korea", "kr"),
     ("Russia", "ru"), ("Czech Republic", "cz")],
)  # fmt: skip
def test_country(raw: str, expected: str) -> None:
    assert hashed(country=raw).country == sha(expected)


@pytest.mark.parametrize("raw", ["Narnia", "XX", "U", "Korea", "123"])
def test_country_refused(raw: str) -> None:
    assert problems(country=raw) == [
        Problem("user.country", "must be an ISO 3166-1 country code or an English country name")
    ]


def test_external_id_and_street() -> None:
    identity = hashed(external_id="  CRM-77 ", street="  12  Main\tSt.  ")
    assert identity.external_id == sha("crm-77")
    assert identity.street == sha("12 main st.")


def test_pre_hashed_input_passes_through_into_every_variant() -> None:
    digest = sha("whatever").upper()
    fields = ["email", "phone", "first_name", "last_name", "date_of_birth", "gender", "city",
              "state", "zip", "country", "external_id", "street"]  # fmt: skip
    identity = hashed(**{name: f" {digest} " for name in fields})
    every_variant = [f.name for f in common_pb2.HashedIdentity.DESCRIPTOR.fields]
    assert {name: getattr(identity, name) for name in every_variant} == {
        name: digest.lower() for name in every_variant
    }


def test_63_or_65_hex_digits_are_not_taken_as_hashes() -> None:
    assert hashed(external_id="a" * 63).external_id == sha("a" * 63)
    assert hashed(external_id="a" * 65).external_id == sha("a" * 65)


def test_empty_fields_stay_empty() -> None:
    identity, found = normalize_user(ingest_pb2.UserInput(email="   ", phone=""), None)
    assert found == []
    assert identity == common_pb2.HashedIdentity()


def test_a_full_identity_fills_every_variant() -> None:
    identity = hashed(
        "US",
        email="a.b@gmail.com", phone="(650) 555-1212", first_name="Ann", last_name="Lee",
        date_of_birth="1990-01-02", gender="f", city="Austin", state="Texas", zip="78701",
        country="US", external_id="u1", street="1 Main St",
    )  # fmt: skip
    empty = [f.name for f in identity.DESCRIPTOR.fields if not getattr(identity, f.name)]
    assert empty == []
    assert all(len(getattr(identity, f.name)) == 64 for f in identity.DESCRIPTOR.fields)


def test_every_problem_is_reported_at_once_and_nothing_half_filled() -> None:
    user = ingest_pb2.UserInput(
        email="jane.doe", phone="0612345678", first_name="42", date_of_birth="31/12/1990",
        gender="unknown", country="Atlantis", zip="--", last_name="Doe",
    )  # fmt: skip
    identity, found = normalize_user(user, None, prefix="events[3].user")
    assert {p.field for p in found} == {
        "events[3].user.email", "events[3].user.phone", "events[3].user.first_name",
        "events[3].user.date_of_birth", "events[3].user.gender", "events[3].user.country",
        "events[3].user.zip",
    }  # fmt: skip
    # The valid field is still hashed; the refused ones leave no variant behind.
    assert identity == common_pb2.HashedIdentity(last_name=sha("doe"), last_name_google=sha("doe"))
    with pytest.raises(InvalidArgument) as raised:
        hash_identity(user, None)
    assert len(raised.value.problems) == 7


def test_problems_never_quote_the_raw_value() -> None:
    secrets = {
        "email": "secret.person", "phone": "0612999999", "first_name": "9999",
        "date_of_birth": "31/12/1777", "gender": "secretgender", "country": "Secretland",
        "zip": "-_-", "city": "1234", "state": "5678",
    }  # fmt: skip
    with pytest.raises(InvalidArgument) as raised:
        hash_identity(ingest_pb2.UserInput(**secrets), None)
    assert len(raised.value.problems) == len(secrets)
    for value in secrets.values():
        assert value not in raised.value.message
        assert all(value not in p.rule for p in raised.value.problems)
