"""The access rules that need no Streamlit (SPEC §8): what counts as this machine, the signed
token behind a role, the server secret, the passcode back-off and the start-up refusals."""

from __future__ import annotations

import base64
import json
import stat
import threading

import pytest

from smarketing_data import security
from smarketing_data.security import Backoff, Claims, PasscodeGuard

KEY = security.signing_key(b"k" * 40, "passcode")


@pytest.mark.parametrize(
    ("address", "local"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),  # all of 127/8 is loopback
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("unix:///run/qbr.sock", True),
        (None, False),  # unset: Streamlit listens on every interface
        ("", False),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("qbr.example.com", False),  # a name may resolve anywhere
    ],
)
def test_which_listening_addresses_stay_on_this_machine(address, local):
    assert security.is_loopback_address(address) is local


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("localhost", True),
        ("localhost:8501", True),
        ("LOCALHOST.:8501", True),
        ("qbr.localhost:8501", True),
        ("127.0.0.1:8501", True),
        ("[::1]:8501", True),
        ("rebind.evil.example", False),
        ("rebind.evil.example:8501", False),
        ("localhost.evil.example", False),
        ("evil-localhost", False),
        ("192.168.1.20:8501", False),
        ("localhost:notaport", False),
        ("user@localhost", False),
        ("", False),
        (None, False),
    ],
)
def test_which_host_names_are_local(host, local):
    assert security.is_local_host(host) is local


@pytest.mark.parametrize(
    ("origin", "local"),
    [
        (None, True),  # not a browser: browsers always send one with a websocket
        ("http://localhost:8501", True),
        ("https://qbr.localhost", True),
        ("http://127.0.0.1:8501", True),
        ("http://rebind.evil.example:8501", False),
        ("null", False),  # a sandboxed frame or a file
        ("file://", False),
    ],
)
def test_which_origins_are_local(origin, local):
    assert security.is_local_origin(origin) is local


def test_open_mode_beyond_this_machine_is_refused_with_how_to_fix_it():
    problems = security.setup_problems(mode="open", address="0.0.0.0", passcodes={})
    assert len(problems) == 1
    assert "0.0.0.0" in problems[0]
    assert "SMARKETING_PASSCODE" in problems[0] and "127.0.0.1" in problems[0]
    unset = security.setup_problems(mode="open", address=None, passcodes={})
    assert "every network interface" in unset[0]
    assert security.setup_problems(mode="open", address="127.0.0.1", passcodes={}) == []
    long_enough = {"SMARKETING_PASSCODE": "x" * 8}
    assert security.setup_problems(mode="passcode", address="0.0.0.0", passcodes=long_enough) == []
    assert security.setup_problems(mode="oidc", address="0.0.0.0", passcodes={}) == []


def test_a_short_passcode_is_refused_without_showing_it():
    codes = {"SMARKETING_PASSCODE": "seven77", "SMARKETING_EDITOR_PASSCODE": "long-enough"}
    problems = security.setup_problems(mode="passcode", address="127.0.0.1", passcodes=codes)
    assert problems == [
        "SMARKETING_PASSCODE is shorter than 8 characters: choose a longer passcode."
    ]
    assert "seven77" not in problems[0]


def test_a_short_configured_secret_is_refused():
    problems = security.setup_problems(
        mode="passcode", address="127.0.0.1", passcodes={}, secret="short"
    )
    assert len(problems) == 1 and "SMARKETING_SECRET" in problems[0] and "32" in problems[0]
    assert "short" not in problems[0].replace("shorter", "")


def test_a_token_carries_role_and_name_until_it_expires():
    token = security.issue(KEY, "editor", "Ann", now=1000.0, lifetime=60)
    assert security.verify(KEY, token, now=1059.0) == Claims("editor", "Ann", 1060)
    assert security.verify(KEY, token, now=1060.0) is None
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


def _reencoded(token: str, **changes: object) -> str:
    """The token with its claims changed but its signature kept: what a forger can make."""
    body, mac = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    data.update(changes)
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode() + "." + mac


def test_a_token_changed_or_signed_elsewhere_is_worth_nothing():
    token = security.issue(KEY, "viewer", "Vi", now=1000.0)
    assert security.verify(KEY, _reencoded(token, r="editor"), now=1001.0) is None
    assert security.verify(KEY, _reencoded(token, e=10**12), now=1001.0) is None
    other = security.signing_key(b"k" * 40, "passcode with another editor passcode")
    assert security.verify(other, token, now=1001.0) is None
    for garbage in ("", ".", "a.b.c", "é.é", token + "x", "x" * 5000, token.replace(".", "")):
        assert security.verify(KEY, garbage, now=1001.0) is None


def test_a_signed_token_with_the_wrong_shape_is_refused():
    """Defence in depth: claims of the wrong types, even correctly signed, grant nothing."""
    for data in ([], {"r": "editor"}, {"r": 1, "n": "x", "e": 2000}, {"r": "editor", "n": "x"}):
        body = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
        forged = f"{body}.{security._mac(KEY, body)}"
        assert security.verify(KEY, forged, now=1000.0) is None


def test_names_are_cleaned_of_controls_and_cut_to_length():
    assert security.clean_name("  Ann \u202e Lee\n ") == "Ann Lee"
    assert security.clean_name("\u200b\u2066") == ""
    assert security.clean_name("x" * 500) == "x" * security.MAX_NAME_LENGTH


def test_the_secret_is_made_once_with_owner_only_permissions(tmp_path):
    path = tmp_path / "config" / "smarketing" / "secret"
    first = security.load_secret(None, path)
    assert len(first) >= security.MIN_SECRET_LENGTH
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert security.load_secret(None, path) == first
    assert security.load_secret("c" * 40, path) == b"c" * 40
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_processes_starting_together_share_one_secret(tmp_path):
    path = tmp_path / "secret"
    found: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: found.append(security.load_secret(None, path)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(found)) == 1 and len(found) == 8


def test_a_secret_that_cannot_be_kept_says_what_to_do(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(security.SecretError, match="SMARKETING_SECRET"):
        security.load_secret(None, blocker / "secret")


def test_the_secret_lives_in_the_users_config_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert security.secret_path() == tmp_path / "smarketing" / "secret"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert security.secret_path() == tmp_path / ".config" / "smarketing" / "secret"


def test_backoff_doubles_after_the_free_tries_up_to_its_ceiling():
    backoff = Backoff(free=3, base=2.0, most=10.0)
    assert [backoff.delay(n) for n in range(8)] == [0, 0, 0, 0, 2, 4, 8, 10]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def wrong() -> str | None:
    return None


def right() -> str | None:
    return "viewer"


def test_a_client_that_keeps_guessing_waits_longer_each_time_even_for_the_right_one():
    clock = Clock()
    guard = PasscodeGuard(
        per_client=Backoff(free=2, base=1.0, most=8.0),
        overall=Backoff(free=100, base=1.0, most=1.0),
        clock=clock,
    )
    # failures 1 and 2 are free; the 3rd waits 1 s, the 4th 2 s
    assert [guard.attempt("ip", wrong).wait for _ in range(3)] == [0, 0, 1.0]
    refused = guard.attempt("ip", right)
    assert (refused.checked, refused.role, refused.wait) == (False, None, 1.0)
    assert guard.attempt("other ip", right).role == "viewer"  # someone else is not held up
    clock.now = 1.0
    assert guard.attempt("ip", wrong).wait == 2.0
    clock.now = 2.5
    assert guard.attempt("ip", right).wait == 0.5
    clock.now = 3.0
    accepted = guard.attempt("ip", right)
    assert (accepted.checked, accepted.role) == (True, "viewer")
    assert guard.attempt("ip", wrong).wait == 0  # a success starts the count again


def test_guesses_from_many_clients_slow_everyone():
    clock = Clock()
    guard = PasscodeGuard(
        per_client=Backoff(free=100, base=1.0, most=1.0),
        overall=Backoff(free=3, base=5.0, most=30.0),
        clock=clock,
    )
    attempts = [guard.attempt(f"ip{n}", wrong) for n in range(5)]
    assert [a.wait for a in attempts] == [0, 0, 0, 5.0, 5.0]
    assert [a.checked for a in attempts] == [True, True, True, True, False]
    assert guard.attempt("a newcomer", right).checked is False
    clock.now = 5.0
    assert guard.attempt("a newcomer", wrong).wait == 10.0


def test_failures_are_forgotten_after_a_quiet_hour():
    clock = Clock()
    guard = PasscodeGuard(
        per_client=Backoff(free=1, base=60.0, most=60.0),
        overall=Backoff(free=1, base=60.0, most=60.0),
        forget_after=3600,
        clock=clock,
    )
    guard.attempt("ip", wrong)
    assert guard.attempt("ip", wrong).wait == 60.0
    clock.now = 60.0 + 3600
    assert guard.attempt("ip", wrong).failures == 1


def test_concurrent_guesses_are_counted_exactly():
    """Eight sessions guessing at once get exactly the free tries and the first paid one
    checked, no more: the check and the count happen under one lock."""
    guard = PasscodeGuard(
        per_client=Backoff(free=5, base=1.0, most=60.0),
        overall=Backoff(free=1000, base=1.0, most=1.0),
        clock=Clock(),
    )
    checked: list[int] = []

    def guess() -> str | None:
        checked.append(1)
        return None

    def session() -> None:
        for _ in range(50):
            guard.attempt("one ip", guess)

    threads = [threading.Thread(target=session) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checked) == 6


def test_the_client_table_stays_bounded():
    clock = Clock()
    guard = PasscodeGuard(max_clients=10, clock=clock)
    for n in range(25):
        clock.now = float(n)
        guard.attempt(f"ip{n}", wrong)
    assert guard.clients() <= 10
