"""The golden vectors of reference/platforms.md §1 and the platforms' documented examples.

Expected hashes are copied from the reference, not recomputed, so a wrong rule cannot agree
with itself.
"""

from __future__ import annotations

import hashlib

import pytest

from services.common.identity import hash_identity
from switchyard.v1 import ingest_pb2

# (raw input field, raw value, default country, HashedIdentity field, sha256 hex from §1)
GOLDEN = [
    ("email", "John_Smith@gmail.com", None, "email",
     "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"),
    ("phone", "(650)555-1212", "US", "phone",
     "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176"),
    ("first_name", "Mary", None, "first_name",
     "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec"),
    ("first_name", "Valéry", None, "first_name",
     "08e1996b5dd49e62a4b4c010d44e4345592a863bb9f8e3976219bac29417149c"),
    ("email", "Person@Example.com", None, "email",
     "542d240129883c019e106e3b1b2d3f3cb3537c43c425364de8e951d5a3083345"),
    ("phone", "+44 844 412 4653", None, "phone",
     "dc008fda46e2e64002cf2f82a4906236282d431c4f75e5b60bfe79fc48546383"),
    ("phone", "+15554441234", None, "phone_e164",
     "e5b124c58580eb16bd959b8d0cac12b12c952e2ceae0203d416cff94f10b994a"),
    ("email", "Al.ice+Apple@Example.Com", None, "email_reddit",
     "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976"),
    ("country", "US", None, "country",
     "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621"),
]  # fmt: skip


@pytest.mark.parametrize(("field", "raw", "default_country", "variant", "expected"), GOLDEN)
def test_golden_vector(
    field: str, raw: str, default_country: str | None, variant: str, expected: str
) -> None:
    identity = hash_identity(ingest_pb2.UserInput(**{field: raw}), default_country)
    assert getattr(identity, variant) == expected


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_meta_examples_from_its_normalization_table() -> None:
    user = ingest_pb2.UserInput(
        email=" John_Smith@Gmail.com ",
        phone="+1 (650) 555-1212",
        first_name="Valéry",
        gender="Female",
        date_of_birth="1997-02-14",
        city="New York",
        state="California",
        zip="94025-1234",
        country="United States",
    )
    identity = hash_identity(user, None)
    assert identity.email == GOLDEN[0][4]
    assert identity.phone == GOLDEN[1][4]
    assert identity.first_name == GOLDEN[3][4]
    assert identity.gender == sha("f")
    assert identity.date_of_birth == sha("19970214")
    assert identity.city == sha("newyork")
    assert identity.state == sha("ca")
    assert identity.zip == sha("94025")
    assert identity.country == GOLDEN[8][4]


def test_snapchat_examples_drop_00_and_trunk_zero() -> None:
    plus = hash_identity(ingest_pb2.UserInput(phone="+44 844 412 4653"), None)
    double_zero = hash_identity(ingest_pb2.UserInput(phone="0044 844 412 4653"), None)
    national = hash_identity(ingest_pb2.UserInput(phone="0844 412 4653"), "GB")
    assert plus.phone == double_zero.phone == national.phone == GOLDEN[5][4]
    assert (
        hash_identity(ingest_pb2.UserInput(email="Person@Example.com"), None).email
        == (GOLDEN[4][4])
    )


def test_reddit_examples_keep_plus_on_phone_and_canonicalize_email() -> None:
    identity = hash_identity(
        ingest_pb2.UserInput(email="Al.ice+Apple@Example.Com", phone="+1 555 444 1234"), None
    )
    assert identity.email_reddit == GOLDEN[7][4]
    assert identity.phone_e164 == GOLDEN[6][4]
    # The other platforms keep dots and the plus-suffix.
    assert identity.email == sha("al.ice+apple@example.com")


def test_google_examples() -> None:
    identity = hash_identity(
        ingest_pb2.UserInput(
            email=" Jane.Doe+Promo@GoogleMail.com",
            phone="(650) 555-1212",
            first_name="  Mary   Ann ",
            last_name="St. John-Smith",
        ),
        "US",
    )
    assert identity.phone_e164 == sha("+16505551212")
    # Dots go only for gmail.com/googlemail.com, and the plus-suffix stays (the doc text,
    # not the stricter code sample).
    assert identity.email_google == sha("janedoe+promo@googlemail.com")
    assert identity.first_name_google == sha("mary ann")
    assert identity.last_name_google == sha("st johnsmith")


def test_google_keeps_dots_outside_gmail() -> None:
    identity = hash_identity(ingest_pb2.UserInput(email="Jane.Doe@Example.com"), None)
    assert identity.email_google == identity.email == sha("jane.doe@example.com")
