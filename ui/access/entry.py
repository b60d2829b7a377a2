"""The gate every page passes first: a refusal when this setup or this connection must not be
served, else the sign-in or the passcode; and the sidebar line that says who is here."""

from __future__ import annotations

import logging
import math
from typing import NoReturn

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.state.common import GENERATED_ELEMENT_ID_PREFIX

from smarketing_data import security
from ui.access import session
from ui.access.settings import EDITOR, VIEWER, AccessConfig, config

# Process-wide, not in a Streamlit cache: any client can ask Streamlit to clear those.
GUARD = security.PasscodeGuard()
LOG = logging.getLogger("smarketing.access")
LOG.setLevel(logging.INFO)
if not logging.getLogger().handlers:  # the server's own output, when nothing else is set up
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(_handler)

OPEN_ELSEWHERE = (
    "This app has no passcode or sign-in, so it only serves the computer it runs on, opened "
    "as http://localhost. To open it from another computer, set SMARKETING_PASSCODE and "
    "SMARKETING_EDITOR_PASSCODE (or [auth] sign-in) where the app runs."
)


def _drop_forged_widget_values() -> None:
    """A client can send a value for a widget id the app never drew, and Streamlit 1.67 then
    fails on every widget of that session (listing session state, it cannot read a value no
    widget describes). Every id the app draws starts with Streamlit's generated prefix, so
    any other is forged: dropped before the first widget of the run. Streamlit has no public
    way to list a session's widget values, so this reaches into its session state; the
    served access tests send such values to the pinned version."""
    state = getattr(getattr(get_script_run_ctx(), "session_state", None), "_state", None)
    values = getattr(getattr(state, "_new_widget_state", None), "states", None)
    if isinstance(values, dict):
        for widget_id in [w for w in values if not str(w).startswith(GENERATED_ELEMENT_ID_PREFIX)]:
            values.pop(widget_id, None)


def _listening_address() -> str | None:
    value = st.get_option("server.address")
    return str(value) if value else None


def _refusals(cfg: AccessConfig) -> list[str]:
    """Why this run must show nothing: a setup that must not serve at all, or, with no
    passcode or sign-in, a connection from another computer or under another site's name
    (DNS rebinding). Without a browser connection there is no network to guard."""
    req = session.request()
    if not req.served:
        return cfg.problems("127.0.0.1")
    problems = cfg.problems(_listening_address())
    local = (
        (req.peer is None or security.is_loopback_peer(req.peer))
        and security.is_local_host(req.host)
        and security.is_local_origin(req.origin)
    )
    if cfg.mode == "open" and not local:
        LOG.warning(
            "open access refused to %r (Host %r, Origin %r)", req.peer, req.host, req.origin
        )
        problems.append(OPEN_ELSEWHERE)
    return problems


def _refuse(messages: list[str]) -> NoReturn:
    st.title("Smarketing QBR")
    for message in messages:
        st.error(message, icon=":material/block:")
    st.stop()


def gate() -> None:
    """Run before any page: refuses what must not be served, then asks for the sign-in or
    the passcode when this session has no role yet."""
    _drop_forged_widget_values()
    cfg = config()
    refusals = _refusals(cfg)
    if refusals:
        _refuse(refusals)
    if session.current_role(cfg) is not None:
        return
    st.title("Smarketing QBR")
    if cfg.mode == "oidc":
        st.write("Sign in with your company account to open the dashboard.")
        st.button("Sign in", on_click=st.login, key="login_button", type="primary")
    else:
        _passcode_form(cfg, required=True)
    st.stop()


def _role_for(cfg: AccessConfig, code: str) -> str | None:
    if security.matches(code, cfg.editor_passcode):
        return EDITOR
    return VIEWER if security.matches(code, cfg.viewer_passcode) else None


def _passcode_form(cfg: AccessConfig, *, required: bool) -> None:
    with st.form("passcode_form"):
        name = st.text_input("Your name", key="passcode_name", max_chars=security.MAX_NAME_LENGTH)
        code = st.text_input("Passcode", type="password", key="passcode_value")
        submitted = st.form_submit_button("Enter" if required else "Become an editor")
    if submitted:
        _enter(cfg, str(name or ""), str(code or ""))


def _enter(cfg: AccessConfig, name: str, code: str) -> None:
    """Check a passcode under the back-off; on success the session and then the browser
    hold the role. Failures are logged, never the passcode."""
    who = security.clean_name(name)
    if not who:
        st.error("Enter your name: it is written beside everything you change.")
        return
    client = session.request().peer or "this computer"
    tried = GUARD.attempt(client, lambda: _role_for(cfg, code))
    if not tried.checked:
        LOG.warning("passcode try from %s refused: %.0f s of back-off left", client, tried.wait)
        st.error(f"Too many wrong passcodes: try again in {math.ceil(tried.wait)} seconds.")
        return
    if tried.role is None:
        LOG.warning("wrong passcode from %s (%d in a row) as %r", client, tried.failures, who)
        wait = f" Wait {math.ceil(tried.wait)} seconds before the next try." if tried.wait else ""
        st.error(f"That passcode is not right.{wait}")
        return
    try:
        session.grant(cfg, tried.role, who)
    except security.SecretError as exc:
        st.error(str(exc))
        return
    LOG.info("%r entered as %s from %s", who, tried.role, client)
    st.rerun()


def _name_form(cfg: AccessConfig) -> None:
    """On an open install, a name for notes and sign-offs: kept like a passcode's name, in
    the signed cookie, so a reload keeps it."""
    with st.expander("Your name, for notes and sign-offs"):
        with st.form("name_form", border=False):
            name = st.text_input("Your name", key="open_name", max_chars=security.MAX_NAME_LENGTH)
            submitted = st.form_submit_button("Save")
    if submitted:
        who = security.clean_name(str(name or ""))
        if not who:
            st.error("Enter your name.")
            return
        try:
            session.grant(cfg, EDITOR, who)
        except security.SecretError as exc:
            st.error(str(exc))
            return
        st.rerun()


def sidebar_status() -> None:
    """Who is here and as what, in the sidebar of every page (with sign-out, the editor
    passcode or the open install's name prompt where they apply)."""
    from ui.components import safe  # imported here: ui.components imports this package

    cfg = config()
    with st.sidebar:
        name = session.user_name()
        who = safe(name) if name else None
        if cfg.mode == "open":
            st.caption(
                f"{who + ' · ' if who else ''}Open access: no sign-in is configured, so only "
                "this computer can open the app."
            )
            if not who:
                _name_form(cfg)
        else:
            st.caption(f"{who + ' · ' if who else ''}{session.role()}")
        if cfg.mode == "oidc":
            st.button("Sign out", on_click=st.logout, key="logout_button")
        elif cfg.mode == "passcode" and session.role() == VIEWER and cfg.editor_passcode:
            with st.expander("Editor access"):
                _passcode_form(cfg, required=False)
        session.keep_in_browser()


def require_editor(action: str) -> bool:
    """Whether the current person may do an editor's action; says so when not."""
    if session.can_edit():
        return True
    st.error(f"Only editors can {action}. Ask an editor, or enter the editor passcode.")
    return False
