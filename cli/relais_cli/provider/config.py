"""LemonLDAP::NG's configuration for the development provider, rendered from Python into its work directory.

Two files: `lemonldap-ng.ini` (where the configuration lives, read through LLNG_DEFAULTCONFFILE) and
`conf/lmConf-1.json` (the configuration itself, LLNG's File backend). Nothing is edited by hand and nothing
outside the work directory is read or written, so several providers can run side by side.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from relais_cli.provider.accounts import MULTI_VALUE_SEPARATOR

CLIENT_ID = "relais-consoles"
LLNG_SHARE = Path("/usr/share/lemonldap-ng")

# Claim name -> "session attribute;type;array mode" (LLNG's oidcRPMetaDataExportedVars syntax). "always" makes a
# JSON array even of one value; "bool" turns "1"/"0" into true/false. Empty values are never released.
RELAIS_CLAIMS = {
    "relais_alias": "alias;string;never",
    "relais_force": "force;string;never",
    "relais_departments": "departments;string;always",
    "relais_unit": "unit;string;never",
    "relais_orange": "orange;bool;never",
    "groups": "groups;string;always",
}
RELAIS_SCOPE = "relais"  # the scope that releases RELAIS_CLAIMS


@dataclass(frozen=True)
class ProviderConfig:
    issuer: str  # http://host:port, no trailing slash: what LLNG puts in `iss`
    client_secret: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]
    access_token_ttl_seconds: int


def write_configuration(workdir: Path, config: ProviderConfig) -> Path:
    """Write every file LLNG needs under `workdir`; returns the ini file to pass as LLNG_DEFAULTCONFFILE."""
    for sub in ("conf", "sessions/lock", "psessions/lock", "cache"):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
    private_pem, key_id = signing_key(workdir / "signing-key.pem")
    conf = lemonldap_configuration(workdir, config, private_pem, key_id)
    (workdir / "conf" / "lmConf-1.json").write_text(json.dumps(conf, indent=1), encoding="utf-8")
    ini = workdir / "lemonldap-ng.ini"
    ini.write_text(
        "[all]\nlogLevel = warn\n"
        f"[configuration]\ntype = File\ndirName = {workdir / 'conf'}\n"
        f"[portal]\nstaticPrefix = /static\ntemplateDir = {LLNG_SHARE / 'portal/templates'}\nlanguages = fr, en\n",
        encoding="utf-8",
    )
    return ini


def signing_key(path: Path) -> tuple[str, str]:
    """The RSA key signing ID and access tokens: made once per work directory, kept across restarts."""
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        # PKCS#1 ("BEGIN RSA PRIVATE KEY"): what LLNG's Crypt::OpenSSL::RSA reads.
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
        path.write_bytes(pem)
        path.chmod(0o600)
    pem = path.read_text(encoding="ascii")
    return pem, "relais-dev-" + hashlib.sha256(pem.encode()).hexdigest()[:12]


def lemonldap_configuration(workdir: Path, config: ProviderConfig, private_pem: str, key_id: str) -> dict:
    storage = {"Directory": str(workdir / "sessions"), "LockDirectory": str(workdir / "sessions/lock"),
               "generateModule": "Lemonldap::NG::Common::Apache::Session::Generate::SHA256"}
    return {
        "cfgNum": 1, "cfgVersion": "2.16.1", "cfgAuthor": "relais dev provider", "cfgDate": str(int(time.time())),
        "key": secrets.token_hex(16),
        "portal": config.issuer + "/",
        # LLNG requires a cookie domain and prefixes it with a dot: ".127.0.0.1", which browsers (and httpx)
        # accept for exactly that host.
        "domain": config.issuer.split("://", 1)[1].rsplit(":", 1)[0],
        "cookieName": "relais_dev_sso",
        "securedCookie": 0,
        "timeout": 8 * 3600,
        "multiValuesSeparator": MULTI_VALUE_SEPARATOR,
        "globalStorage": "Apache::Session::File", "globalStorageOptions": storage,
        "persistentStorage": "Apache::Session::File",
        "persistentStorageOptions": {"Directory": str(workdir / "psessions"),
                                     "LockDirectory": str(workdir / "psessions/lock")},
        "localSessionStorage": "Cache::FileCache",
        "localSessionStorageOptions": {"cache_root": str(workdir / "cache"), "namespace": "lemonldap-ng-sessions",
                                       "default_expires_in": 600, "directory_umask": "007", "cache_depth": 3},
        "loginHistoryEnabled": 0,
        # A bare login form: no "create an account", "forgotten password" or "my last logins" here.
        "portalDisplayRegister": 0, "portalDisplayResetPassword": 0, "portalCheckLogins": 0,
        "locationRules": {},  # the portal protects no application of its own here
        "exportedHeaders": {},
        "portalSkin": "bootstrap",
        **users_backend(workdir),
        **openid_connect_service(config, private_pem, key_id),
    }


def users_backend(workdir: Path) -> dict:
    """LLNG's DBI backend over the SQLite file accounts.write_users_database fills."""
    return {
        "authentication": "DBI", "userDB": "Same", "passwordDB": "Null", "registerDB": "Null",
        "dbiAuthChain": f"dbi:SQLite:dbname={workdir / 'users.sqlite'}", "dbiAuthUser": "", "dbiAuthPassword": "",
        "dbiAuthTable": "users", "dbiUserTable": "users", "userPivot": "login",
        "dbiAuthLoginCol": "login", "dbiAuthPasswordCol": "password", "dbiAuthPasswordHash": "",
        # Session attribute -> column. `groups` is LLNG's own multi-valued group list.
        "exportedVars": {},
        "dbiExportedVars": {"uid": "login", "alias": "alias", "force": "force", "departments": "departments",
                            "unit": "unit", "groups": "roles", "orange": "orange"},
        "whatToTrace": "uid",
        "macros": {}, "groups": {},
    }


def openid_connect_service(config: ProviderConfig, private_pem: str, key_id: str) -> dict:
    return {
        "issuerDBOpenIDConnectActivation": 1,
        "oidcServiceMetaDataIssuer": config.issuer,
        "oidcServicePrivateKeySig": private_pem,
        "oidcServicePublicKeySig": "",
        "oidcServiceKeyIdSig": key_id,
        "oidcServiceAllowAuthorizationCodeFlow": 1, "oidcServiceAllowImplicitFlow": 0,
        "oidcServiceAllowHybridFlow": 0, "oidcServiceAllowDynamicRegistration": 0,
        "oidcServiceIgnoreScopeForClaims": 0,  # claims follow the scopes asked for: `relais` releases ours
        "oidcServiceAccessTokenExpiration": config.access_token_ttl_seconds,
        "oidcRPMetaDataOptions": {CLIENT_ID: {
            "oidcRPMetaDataOptionsDisplayName": "Relais",
            "oidcRPMetaDataOptionsClientID": CLIENT_ID,
            "oidcRPMetaDataOptionsClientSecret": config.client_secret,
            "oidcRPMetaDataOptionsPublic": 0,
            "oidcRPMetaDataOptionsRequirePKCE": 1,
            "oidcRPMetaDataOptionsRedirectUris": " ".join(config.redirect_uris),
            "oidcRPMetaDataOptionsPostLogoutRedirectUris": " ".join(config.post_logout_redirect_uris),
            "oidcRPMetaDataOptionsLogoutBypassConfirm": 1,  # with an id_token_hint: no "log out?" page
            "oidcRPMetaDataOptionsBypassConsent": 1,
            "oidcRPMetaDataOptionsUserIDAttr": "uid",
            "oidcRPMetaDataOptionsIDTokenSignAlg": "RS256",
            "oidcRPMetaDataOptionsIDTokenForceClaims": 1,  # the user's claims in the ID token too
            "oidcRPMetaDataOptionsAccessTokenJWT": 1,
            "oidcRPMetaDataOptionsAccessTokenSignAlg": "RS256",
            "oidcRPMetaDataOptionsAccessTokenClaims": 1,  # ... and in the JWT access token
            "oidcRPMetaDataOptionsAccessTokenExpiration": config.access_token_ttl_seconds,
            "oidcRPMetaDataOptionsRefreshToken": 1,
        }},
        "oidcRPMetaDataExportedVars": {CLIENT_ID: RELAIS_CLAIMS},
        "oidcRPMetaDataOptionsExtraClaims": {CLIENT_ID: {RELAIS_SCOPE: " ".join(RELAIS_CLAIMS)}},
    }
