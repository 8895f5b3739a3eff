from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.crypto import (
    CredentialCipher,
    CredentialError,
    hash_api_key,
    new_api_key,
    parse_key,
)

KEY = bytes(range(32))


def test_round_trip() -> None:
    cipher = CredentialCipher(KEY)
    sealed = cipher.encrypt({"access_token": "EAAB", "pixel_id": "123"}, "dest_1")
    assert b"EAAB" not in sealed
    assert cipher.decrypt(sealed, "dest_1") == {"access_token": "EAAB", "pixel_id": "123"}


def test_each_seal_uses_a_fresh_nonce() -> None:
    cipher = CredentialCipher(KEY)
    assert cipher.encrypt({"a": "b"}, "d") != cipher.encrypt({"a": "b"}, "d")


def test_tampered_bytes_are_refused() -> None:
    cipher = CredentialCipher(KEY)
    sealed = bytearray(cipher.encrypt({"a": "b"}, "dest_1"))
    sealed[-1] ^= 1
    with pytest.raises(CredentialError):
        cipher.decrypt(bytes(sealed), "dest_1")


def test_ciphertext_cannot_move_to_another_row() -> None:
    cipher = CredentialCipher(KEY)
    sealed = cipher.encrypt({"a": "b"}, "dest_1")
    with pytest.raises(CredentialError):
        cipher.decrypt(sealed, "dest_2")


def test_wrong_key_is_refused() -> None:
    sealed = CredentialCipher(KEY).encrypt({"a": "b"}, "d")
    with pytest.raises(CredentialError):
        CredentialCipher(bytes(32)).decrypt(sealed, "d")


@given(st.dictionaries(st.text(), st.text()), st.text())
def test_any_credentials_round_trip(credentials: dict[str, str], aad: str) -> None:
    cipher = CredentialCipher(KEY)
    assert cipher.decrypt(cipher.encrypt(credentials, aad), aad) == credentials


def test_parse_key() -> None:
    assert parse_key(base64.b64encode(KEY).decode()) == KEY
    assert parse_key(base64.urlsafe_b64encode(KEY).decode().rstrip("=")) == KEY
    with pytest.raises(ValueError, match="must decode to 32 bytes"):
        parse_key(base64.b64encode(b"short").decode())
    with pytest.raises(ValueError, match="must be base64"):
        parse_key("not base64 at all!")


def test_api_keys() -> None:
    key = new_api_key("ingest")
    assert key.startswith("sy_ingest_") and len(key) == len("sy_ingest_") + 43
    assert new_api_key("ingest") != key
    assert hash_api_key(key) == hash_api_key(key)
    assert len(hash_api_key(key)) == 64 and key not in hash_api_key(key)
