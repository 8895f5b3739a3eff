"""Normalization and SHA-256 hashing of personal data, per platform rules (law 5)."""

from services.common.identity.hasher import hash_identity, is_hashed, normalize_user, sha256_hex

__all__ = ["hash_identity", "is_hashed", "normalize_user", "sha256_hex"]
