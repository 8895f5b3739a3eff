"""Credentials at rest and API keys (law 6: no secret in the open).

Platform credentials are sealed with AES-256-GCM bound to their row (associated data), so a
ciphertext copied to another destination does not decrypt. API keys are stored as hashes only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
FORMAT_VERSION = 1


class CredentialError(Exception):
    """A sealed credential could not be opened: wrong key, wrong row, or tampered bytes."""


def parse_key(text: str) -> bytes:
    """Decode a base64 (standard or urlsafe) 32-byte key; raise ValueError saying what is wrong."""
    cleaned = text.strip()
    padded = cleaned + "=" * (-len(cleaned) % 4)
    try:
        key = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("must be base64 (e.g. from `openssl rand -base64 32`)") from None
    if len(key) != KEY_BYTES:
        raise ValueError(f"must decode to {KEY_BYTES} bytes, got {len(key)}")
    return key


class CredentialCipher:
    """Seals and opens a destination's credentials (a str->str dict) with AES-256-GCM."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"credential key must be {KEY_BYTES} bytes")
        self._aead = AESGCM(key)

    def encrypt(self, credentials: dict[str, str], aad: str) -> bytes:
        """Seal credentials bound to `aad` (e.g. a destination id): version, nonce, ciphertext."""
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps(credentials, sort_keys=True, separators=(",", ":")).encode()
        sealed = self._aead.encrypt(nonce, plain, aad.encode())
        return bytes([FORMAT_VERSION]) + nonce + sealed

    def decrypt(self, blob: bytes, aad: str) -> dict[str, str]:
        """Open a sealed blob; raise CredentialError unless key, aad and bytes are all intact."""
        if len(blob) < 1 + NONCE_BYTES + 16 or blob[0] != FORMAT_VERSION:
            raise CredentialError("unknown credential format")
        nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
        try:
            plain = self._aead.decrypt(nonce, sealed, aad.encode())
        except InvalidTag:
            raise CredentialError("credential does not open with this key and context") from None
        value = json.loads(plain)
        if not isinstance(value, dict):
            raise CredentialError("credential is not a mapping")
        return {str(k): str(v) for k, v in value.items()}


def hash_api_key(key: str) -> str:
    """SHA-256 hex of an API key; keys are 256-bit random tokens, so a fast hash is enough."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_api_key(prefix: str) -> str:
    """A fresh API key like `sy_ingest_<43 urlsafe chars>`; the prefix tells a human its role."""
    if not prefix.isalnum():
        raise ValueError("API key prefix must be alphanumeric")
    return f"sy_{prefix}_{secrets.token_urlsafe(32)}"
