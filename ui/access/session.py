"""Who this session is, worked out afresh on every call from what the browser holds and the
server can check: Streamlit's sign-in, the signed access cookie, or a token granted on this
very connection. Never from the session alone: Streamlit hands a session to any connection
that names its id.

The cookie is set by a script on the page, so it cannot be HTTP-only (Streamlit 1.67 gives
an app no HTTP response of its own to set one on); it is signed, expires, and is sent to this
site only (SameSite=Strict, Secure over HTTPS). The name given with it is base64 inside the
signed token, so no user text reaches the script.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from smarketing_data import security
from smarketing_data.security import Claims
from ui.access.settings import EDITOR, VIEWER, AccessConfig, config, signing_key

COOKIE = "smarketing_access"
# Not a widget key: widgets' ids carry Streamlit's "$$ID-" prefix, and the gate drops any
# other id a client sends; the value is also checked to be a Grant, which no client can send.
GRANT_KEY = "_smarketing_access_grant"


@dataclass(frozen=True)
class Grant:
    """A token earned on one websocket connection, kept with the key the browser chose for
    that connection (Sec-WebSocket-Key), so that another connection naming this session's id
    cannot use it. Later connections of the same browser carry the cookie instead."""

    token: str
    connection: str | None


@dataclass(frozen=True)
class Request:
    """What this session's connection says about itself. ``served`` is False when no browser
    is connected at all (a script run under AppTest)."""

    served: bool
    host: str | None
    origin: str | None
    peer: str | None  # None for this machine, as Streamlit reports it
    connection: str | None
    cookie: str | None


def _text(value: object) -> str | None:
    """A header, cookie or address only when it is text: under AppTest Streamlit answers
    with stand-ins that are not."""
    return value if isinstance(value, str) else None


def request() -> Request:
    headers = st.context.headers
    return Request(
        served=bool(headers),
        host=_text(headers.get("Host")),
        origin=_text(headers.get("Origin")),
        peer=_text(st.context.ip_address),
        connection=_text(headers.get("Sec-WebSocket-Key")),
        cookie=_text(st.context.cookies.get(COOKIE)),
    )


def _grant() -> Grant | None:
    found = st.session_state.get(GRANT_KEY)
    return found if isinstance(found, Grant) else None


def _claims(cfg: AccessConfig) -> Claims | None:
    """The claims of this connection's own grant, else of the browser's cookie."""
    req, grant = request(), _grant()
    tokens = [grant.token] if grant and grant.connection == req.connection else []
    tokens += [req.cookie] if req.cookie else []
    if not tokens:
        return None
    try:
        key = signing_key(cfg)
    except security.SecretError:
        return None
    now = time.time()
    return next((c for t in tokens if (c := security.verify(key, t, now=now))), None)


def grant(cfg: AccessConfig, role: str, name: str) -> None:
    """Give this connection ``role`` under ``name`` (raises ``security.SecretError`` when no
    secret can be kept); ``keep_in_browser`` then hands it to the browser as the cookie."""
    token = security.issue(signing_key(cfg), role, name, now=time.time())
    st.session_state[GRANT_KEY] = Grant(token, request().connection)


def keep_in_browser() -> None:
    """Ask the browser to keep this connection's grant as the access cookie, for its next
    reload or tab. Drawn on every run of the connection until then: a connection's cookies
    are read when it opens, so nothing here can tell the browser already has it."""
    found, req = _grant(), request()
    if found is None or found.connection != req.connection or req.cookie == found.token:
        return
    secure = '(location.protocol === "https:" ? "; Secure" : "")'
    attributes = f"Max-Age={security.TOKEN_LIFETIME}; Path=/; SameSite=Strict"
    st.html(
        f'<script>document.cookie = "{COOKIE}={found.token}; {attributes}" + {secure};</script>',
        unsafe_allow_javascript=True,
    )


def current_role(cfg: AccessConfig) -> str | None:
    """The role this session has now; None when it must sign in or enter the passcode."""
    if cfg.mode == "open":
        return EDITOR
    if cfg.mode == "oidc":
        if not st.user.is_logged_in:
            return None
        return EDITOR if str(st.user.get("email") or "").lower() in cfg.editors else VIEWER
    claims = _claims(cfg)
    if claims and claims.role in (VIEWER, EDITOR):
        return claims.role
    return None if cfg.viewer_passcode else VIEWER  # with only an editor passcode, viewing is open


def role() -> str:
    """The current role; a page run on its own (no gate) is open only when nothing is
    configured."""
    return current_role(config()) or VIEWER


def can_edit() -> bool:
    return role() == EDITOR


def user_name() -> str | None:
    """The name to show for this session: the sign-in's name, or the name given with the
    passcode (or, on an open install, at the sidebar's prompt)."""
    cfg = config()
    if cfg.mode == "oidc":
        if not st.user.is_logged_in:
            return None
        return str(st.user.get("name") or st.user.get("email") or "") or None
    claims = _claims(cfg)
    return claims.name if claims else None


def identity() -> str | None:
    """Who is acting, as the gate established it (SPEC §8): the sign-in e-mail, or the name
    given with the passcode; on an open install (this computer only) the name given at the
    sidebar's prompt. Never a name typed into another form; None when nobody is known."""
    cfg = config()
    if cfg.mode == "oidc":
        email = str(st.user.get("email") or "").lower() if st.user.is_logged_in else ""
        return email or None
    claims = _claims(cfg)
    return claims.name if claims else None
