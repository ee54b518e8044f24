"""Bearer secrets (SCIM tokens, sign-in links, sessions, API keys): generated here, stored as hashes.

Secrets are 256-bit random values, so an unsalted SHA-256 is a sufficient, indexable verifier. A lookup
by hash is followed by a constant-time comparison of the full hash; plaintext leaves this module only
once, to be shown to its owner.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets as _random

PREFIX_LENGTH = 12


def new_secret(kind: str) -> str:
    """A fresh secret such as ``rst_scim_3vQ...``; the kind makes leaked secrets easy to recognise."""
    return f"rst_{kind}_{_random.token_urlsafe(32)}"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def visible_prefix(secret: str) -> str:
    return secret[:PREFIX_LENGTH]


def matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def new_public_key() -> str:
    """The workspace's public SCIM key (part of a URL, not a credential)."""
    return _random.token_urlsafe(16)
