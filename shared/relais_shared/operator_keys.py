"""Local signing keys and tokens, for development and tests only (production uses the OIDC provider)."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import cast

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from relais_shared.identity import Operator

PRIVATE_FILE, JWKS_FILE = "operator-signing-key.pem", "jwks.json"


def ensure_local_keys(directory: Path) -> Path:
    """Create an ES256 key pair and its JWKS in `directory` if missing; returns the JWKS path."""
    directory.mkdir(parents=True, exist_ok=True)
    private_path, jwks_path = directory / PRIVATE_FILE, directory / JWKS_FILE
    if not private_path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        private_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
        private_path.chmod(0o600)
        public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
        kid = f"local-{uuid.uuid4().hex[:8]}"
        jwks_path.write_text(json.dumps({"keys": [{**public, "kid": kid, "alg": "ES256", "use": "sig"}]}, indent=2))
    return jwks_path


def mint_token(directory: Path, operator: Operator, *, issuer: str, audience: str, ttl_seconds: int = 8 * 3600,
               now: int | None = None) -> str:
    """A signed access token (RFC 9068 `at+jwt`) for `operator` with the local key."""
    ensure_local_keys(directory)
    pem = (directory / PRIVATE_FILE).read_bytes()
    private = cast(ec.EllipticCurvePrivateKey, serialization.load_pem_private_key(pem, password=None))  # ours: ES256
    kid = json.loads((directory / JWKS_FILE).read_text())["keys"][0]["kid"]
    issued = now if now is not None else int(time.time())
    claims = {**operator.to_claims(), "iss": issuer, "aud": audience, "iat": issued, "nbf": issued,
              "exp": issued + ttl_seconds, "jti": uuid.uuid4().hex}
    return jwt.encode(claims, private, algorithm="ES256", headers={"kid": kid, "typ": "at+jwt"})
