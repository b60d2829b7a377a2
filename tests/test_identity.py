"""Who the app records as acting (ui.audit, SPEC §8): the session's identity; "local user"
only on an open install; nobody (so no writing) when access is configured and the session
is not identified; a sign-off only ever by a real identity."""

from __future__ import annotations

import pytest

from ui import access
from ui import audit as who


@pytest.fixture
def identity(monkeypatch):  # type: ignore[no-untyped-def]
    """Set what ``access.identity()`` answers for this test."""

    def set_to(value: str | None) -> None:
        monkeypatch.setattr(access, "identity", lambda: value)

    return set_to


def test_open_install_without_a_name_acts_as_the_local_user(identity):
    identity(None)
    assert access.config().mode == "open"
    assert who.acting() == who.LOCAL_USER == "local user"
    assert who.named() is None  # "local user" never signs off
    assert "local user" in who.nameless("Signing off")


def test_the_identity_is_who_acts_in_every_mode(identity, monkeypatch):
    identity("ann@example.com")
    assert (who.acting(), who.named()) == ("ann@example.com", "ann@example.com")
    monkeypatch.setenv("SMARKETING_EDITOR_PASSCODE", "edit-456")
    assert (who.acting(), who.named()) == ("ann@example.com", "ann@example.com")


def test_a_configured_install_never_guesses_who_acts(identity, monkeypatch):
    monkeypatch.setenv("SMARKETING_EDITOR_PASSCODE", "edit-456")
    identity(None)
    assert access.config().mode == "passcode"
    assert who.acting() is None and who.named() is None
    assert who.nameless("A note") == (
        "A note records who did it, and this session has no name: sign in, or enter with "
        "your name and the passcode, then try again."
    )
