"""Operators sign in with OpenID Connect: one package for every service's consoles and operator APIs.

- claims: the provider's claims or groups mapped to an Operator (configuration, validated at start-up);
- keys: the provider's signing keys, fetched off the request path with a timeout, a cool-down and an expiry;
- tokens: access and ID tokens checked (signature, issuer, audience, type, expiry);
- provider: discovery, code exchange, refresh and sign-out at the provider;
- sessions: server-side operator sessions in PostgreSQL, named by an HttpOnly cookie on the operators' host;
- flow: /auth/login, /auth/callback, /auth/logout, /auth/session (authorization code with PKCE);
- gate: the one object a request or a console socket asks "who is this operator, and for how long".
"""
