"""Who may do what (SPEC §8): sign-in through the identity provider when ``[auth]`` is
configured, else optional passcodes, else open on this machine.

Viewers read everything and write commentary; editors also upload, undo, clear the sample and
edit goals, targets and definitions. ``require_editor`` is called where those actions happen,
not only where their buttons are drawn.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from typing import Any

import streamlit as st

VIEWER, EDITOR = "viewer", "editor"
ROLE_KEY = "access_role"
NAME_KEY = "access_name"
EMAIL_KEY = "access_email"


@dataclass(frozen=True)
class AccessConfig:
    mode: str  # 'oidc', 'passcode' or 'open'
    viewer_passcode: str | None
    editor_passcode: str | None
    editors: frozenset[str]  # e-mails, lower case


def _secret(*path: str) -> Any:
    try:
        node: Any = st.secrets
        for part in path:
            node = node[part]
        return node
    except (KeyError, FileNotFoundError, AttributeError):
        return None
    except Exception:  # a malformed secrets.toml is reported by Streamlit itself
        return None


def _setting(env: str, *secret_path: str) -> str | None:
    value = os.environ.get(env, "").strip() or _secret(*secret_path)
    return str(value).strip() or None if value else None


def config() -> AccessConfig:
    editors_raw = os.environ.get("SMARKETING_EDITORS", "") or _secret("smarketing", "editors")
    if isinstance(editors_raw, str):
        editors = {e.strip().lower() for e in editors_raw.split(",") if e.strip()}
    else:
        editors = {str(e).strip().lower() for e in (editors_raw or [])}
    viewer = _setting("SMARKETING_PASSCODE", "smarketing", "passcode")
    editor = _setting("SMARKETING_EDITOR_PASSCODE", "smarketing", "editor_passcode")
    mode = "oidc" if _secret("auth") else ("passcode" if viewer or editor else "open")
    return AccessConfig(mode, viewer, editor, frozenset(editors))


def _matches(given: str, expected: str | None) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), str(expected).encode())


def _oidc(cfg: AccessConfig) -> None:
    if not st.user.is_logged_in:
        st.title("Smarketing QBR")
        st.write("Sign in with your company account to open the dashboard.")
        st.button("Sign in", on_click=st.login, key="login_button", type="primary")
        st.stop()
    email = str(st.user.get("email") or "").lower()
    st.session_state[ROLE_KEY] = EDITOR if email in cfg.editors else VIEWER
    st.session_state[NAME_KEY] = str(st.user.get("name") or email)
    st.session_state[EMAIL_KEY] = email


def _passcode_form(cfg: AccessConfig, *, required: bool) -> None:
    with st.form("passcode_form"):
        name = st.text_input("Your name", key="passcode_name")
        code = st.text_input("Passcode", type="password", key="passcode_value")
        submitted = st.form_submit_button("Enter" if required else "Become an editor")
    if submitted:
        if _matches(code, cfg.editor_passcode):
            st.session_state[ROLE_KEY] = EDITOR
        elif _matches(code, cfg.viewer_passcode):
            st.session_state[ROLE_KEY] = VIEWER
        else:
            st.error("That passcode is not right.")
            return
        st.session_state[NAME_KEY] = name.strip() or st.session_state[ROLE_KEY]
        st.rerun()


def _passcodes(cfg: AccessConfig) -> None:
    role = st.session_state.get(ROLE_KEY)
    if role is None and cfg.viewer_passcode:
        st.title("Smarketing QBR")
        _passcode_form(cfg, required=True)
        st.stop()
    if role is None:
        st.session_state[ROLE_KEY] = VIEWER  # viewing is open; editing needs the passcode


def gate() -> None:
    """Run before any page: sign-in or passcode when configured; sets the role."""
    cfg = config()
    if cfg.mode == "oidc":
        _oidc(cfg)
    elif cfg.mode == "passcode":
        _passcodes(cfg)
    else:
        st.session_state[ROLE_KEY] = EDITOR


def sidebar_status() -> None:
    """Who is here and as what, in the sidebar of every page (with sign-out or the editor
    passcode where they apply)."""
    cfg = config()
    with st.sidebar:
        if cfg.mode == "open":
            st.caption("Open access: no sign-in is configured on this machine.")
            return
        who = user_name()
        st.caption(f"{who + ' · ' if who else ''}{role()}")
        if cfg.mode == "oidc":
            st.button("Sign out", on_click=st.logout, key="logout_button")
        elif role() == VIEWER and cfg.editor_passcode:
            with st.expander("Editor access"):
                _passcode_form(cfg, required=False)


def role() -> str:
    """The current role; a page run on its own (no gate) is open only when nothing is
    configured."""
    found = st.session_state.get(ROLE_KEY)
    if found is None:
        return EDITOR if config().mode == "open" else VIEWER
    return str(found)


def can_edit() -> bool:
    return role() == EDITOR


def user_name() -> str | None:
    name = st.session_state.get(NAME_KEY)
    return str(name) if name else None


def identity() -> str | None:
    """Who is acting, as the gate established it (SPEC §8): the sign-in e-mail, or the name
    given with the passcode; never a name typed into another form. None when nobody is known."""
    if config().mode == "oidc":
        email = st.session_state.get(EMAIL_KEY)
        return str(email) if email else None
    return user_name()


def require_editor(action: str) -> bool:
    """Whether the current person may do an editor's action; says so when not."""
    if can_edit():
        return True
    st.error(f"Only editors can {action}. Ask an editor, or enter the editor passcode.")
    return False
