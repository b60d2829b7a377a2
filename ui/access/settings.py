"""The access settings, from the environment or ``.streamlit/secrets.toml``: the mode, the
passcodes, the editors' e-mails, and the key that signs this setup's tokens."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import streamlit as st

from smarketing_data import security

VIEWER, EDITOR = "viewer", "editor"


@dataclass(frozen=True)
class AccessConfig:
    mode: str  # 'oidc', 'passcode' or 'open'
    viewer_passcode: str | None
    editor_passcode: str | None
    editors: frozenset[str]  # e-mails, lower case
    secret: str | None = None  # SMARKETING_SECRET; unset means one kept on this machine

    def problems(self, address: str | None) -> list[str]:
        """Why this setup must not serve on ``address``, each with how to fix it."""
        passcodes = {
            "SMARKETING_PASSCODE": self.viewer_passcode,
            "SMARKETING_EDITOR_PASSCODE": self.editor_passcode,
        }
        return security.setup_problems(
            mode=self.mode, address=address, passcodes=passcodes, secret=self.secret
        )


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
    secret = _setting("SMARKETING_SECRET", "smarketing", "secret")
    mode = "oidc" if _secret("auth") else ("passcode" if viewer or editor else "open")
    return AccessConfig(mode, viewer, editor, frozenset(editors), secret)


def signing_key(cfg: AccessConfig) -> bytes:
    """The key this setup's tokens are signed with: the server secret bound to the mode and
    the passcodes, so a token outlives neither. Raises ``security.SecretError`` when no
    secret is configured and none can be kept on this machine."""
    secret = security.load_secret(cfg.secret, security.secret_path())
    context = json.dumps([cfg.mode, cfg.viewer_passcode, cfg.editor_passcode])
    return security.signing_key(secret, context)
