"""Access security that needs no Streamlit (SPEC §8): what counts as this machine, the signed
token that carries a role across page reloads, the secret it is signed with, and the back-off
that makes guessing a passcode slow."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import os
import re
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# With the back-off below an attacker gets a few thousand tries a day; eight characters of
# even lower-case letters and digits are 36**8 ≈ 2.8e12 candidates.
MIN_PASSCODE_LENGTH = 8
# As long as the SHA-256 key it feeds, so the secret is never the weak link.
MIN_SECRET_LENGTH = 32
# A working day: the next morning's first visit asks for the passcode again.
TOKEN_LIFETIME = 12 * 60 * 60
MAX_NAME_LENGTH = 80
# A real token is about 150 characters; anything near a cookie's 4 KB is not one.
_MAX_TOKEN_LENGTH = 1024
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


class SecretError(RuntimeError):
    """The server secret cannot be read or kept."""


# --- this machine --------------------------------------------------------------------------


def _is_loopback_ip(text: str) -> bool:
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1 is loopback too
    return bool((mapped or ip).is_loopback)


def is_loopback_address(address: str | None) -> bool:
    """Whether a listening address is reachable from this machine only. Unset means every
    interface; a host name may resolve anywhere, so only ``localhost`` is trusted."""
    if not address:
        return False
    text = address.strip()
    if text.startswith("unix://"):
        return True
    return text.lower() == "localhost" or _is_loopback_ip(text.strip("[]"))


def is_loopback_peer(ip: str | None) -> bool:
    """Whether a connection's remote address is this machine."""
    return ip is not None and _is_loopback_ip(ip)


def is_local_host(host: str | None) -> bool:
    """Whether a Host header names this machine: ``localhost``, a ``*.localhost`` name (RFC
    6761 keeps those on loopback) or a loopback address; the port does not matter. Anything
    else is what DNS rebinding sends."""
    if not host:
        return False
    try:
        parts = urlsplit(f"//{host}")
        name = parts.hostname
        _ = parts.port  # a malformed port raises here
    except ValueError:
        return False
    if not name or parts.username or parts.password or parts.path or parts.query:
        return False
    name = name.rstrip(".")
    return name == "localhost" or name.endswith(".localhost") or _is_loopback_ip(name)


def is_local_origin(origin: str | None) -> bool:
    """Whether a websocket's Origin is a page served from this machine. Browsers always send
    one, so a missing Origin is a program on a trusted path; ``null`` (a sandboxed frame, a
    file) is not local."""
    if origin is None:
        return True
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and is_local_host(parts.netloc)


def setup_problems(
    *,
    mode: str,
    address: str | None,
    passcodes: Mapping[str, str | None],
    secret: str | None = None,
) -> list[str]:
    """Why this access setup must not serve, each with how to fix it; empty when it may.
    ``passcodes`` maps each setting's name to its value, which no message repeats."""
    problems = []
    if mode == "open" and not is_loopback_address(address):
        where = address or "every network interface"
        problems.append(
            f"The app would listen on {where} with no passcode or sign-in, so anyone who can "
            "reach it would be an editor. Set SMARKETING_PASSCODE and "
            "SMARKETING_EDITOR_PASSCODE (or configure [auth] sign-in), or listen on this "
            "machine only with --server.address 127.0.0.1."
        )
    for name, value in passcodes.items():
        if value and len(value) < MIN_PASSCODE_LENGTH:
            problems.append(
                f"{name} is shorter than {MIN_PASSCODE_LENGTH} characters: "
                "choose a longer passcode."
            )
    if secret and len(secret) < MIN_SECRET_LENGTH:
        problems.append(
            f"SMARKETING_SECRET is shorter than {MIN_SECRET_LENGTH} characters: use a long "
            "random value, e.g. from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`."
        )
    return problems


def matches(given: str, expected: str | None) -> bool:
    """Whether a passcode is the expected one, compared in constant time."""
    if not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


# --- signed tokens -------------------------------------------------------------------------


@dataclass(frozen=True)
class Claims:
    """What a token says: the role, the name given with it, and its expiry (Unix seconds)."""

    role: str
    name: str
    expires: int


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, body: str) -> str:
    return _b64(hmac.new(key, body.encode("ascii"), hashlib.sha256).digest())


def signing_key(secret: bytes, context: str) -> bytes:
    """The key for one access setup. ``context`` holds the passcodes, so changing one
    changes the key and everyone who entered the old one is asked again."""
    return hmac.new(secret, context.encode("utf-8"), hashlib.sha256).digest()


def issue(key: bytes, role: str, name: str, *, now: float, lifetime: int = TOKEN_LIFETIME) -> str:
    """A token for ``role`` and ``name`` valid ``lifetime`` seconds from ``now``: base64url
    JSON claims, a dot, and their HMAC-SHA256, so it is safe in a cookie and in a script."""
    claims = {"r": role, "n": name, "e": int(now) + lifetime}
    body = _b64(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
    return f"{body}.{_mac(key, body)}"


def verify(key: bytes, token: str, *, now: float) -> Claims | None:
    """The claims of a token this key signed and that has not expired; None for anything
    else, however malformed."""
    if len(token) > _MAX_TOKEN_LENGTH or not _TOKEN_SHAPE.fullmatch(token):
        return None
    body, mac = token.split(".")
    if not hmac.compare_digest(mac, _mac(key, body)):
        return None
    try:
        data = json.loads(_unb64(body))
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    role, name, expires = data.get("r"), data.get("n"), data.get("e")
    if not (isinstance(role, str) and isinstance(name, str) and type(expires) is int):
        return None
    return Claims(role, name, expires) if expires > now else None


def clean_name(text: str) -> str:
    """A name as it will be recorded beside someone's changes: no control or formatting
    characters (bidirectional overrides among them), single spaces, at most
    ``MAX_NAME_LENGTH`` characters."""
    kept = "".join(" " if c.isspace() else c for c in text if c.isspace() or _printable(c))
    return " ".join(kept.split())[:MAX_NAME_LENGTH]


def _printable(char: str) -> bool:
    return not unicodedata.category(char).startswith("C")


# --- the server secret ---------------------------------------------------------------------

_kept: dict[Path, bytes] = {}
_kept_lock = threading.Lock()


def secret_path() -> Path:
    """Where a secret made on this machine is kept: the user's config folder."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "smarketing" / "secret"


def load_secret(configured: str | None, path: Path) -> bytes:
    """The configured secret, else the one kept at ``path``, made there (owner-only) the
    first time. Processes starting together end up with the same one."""
    if configured:
        return configured.encode("utf-8")
    with _kept_lock:
        if path not in _kept:
            _kept[path] = _read_or_make(path)
        return _kept[path]


def _read_or_make(path: Path) -> bytes:
    try:
        if not path.exists():
            _make(path)
        value = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SecretError(
            f"Cannot keep the access secret in {path} ({exc.strerror or exc}): "
            "set SMARKETING_SECRET instead."
        ) from exc
    if len(value) < MIN_SECRET_LENGTH:
        raise SecretError(f"The access secret in {path} is too short: delete the file.")
    return value.encode("utf-8")


def _make(path: Path) -> None:
    """Write a new secret beside ``path`` and link it into place: linking fails when another
    process got there first, and then theirs is the one both use."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48))
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink(missing_ok=True)


# --- passcode back-off ---------------------------------------------------------------------


@dataclass(frozen=True)
class Backoff:
    """``free`` failures in a row cost nothing; after that each one makes the next try wait
    ``base``, then twice that, and so on up to ``most`` seconds."""

    free: int
    base: float
    most: float

    def delay(self, failures: int) -> float:
        over = failures - self.free
        return 0.0 if over <= 0 else min(self.base * 2 ** (over - 1), self.most)


# One person mistyping gets five tries free; a script is down to one try per quarter hour
# after fifteen. Over all clients (a script using many addresses), one try per half minute:
# the price is that an attack slows everyone's entry as much, which the log shows.
PER_CLIENT = Backoff(free=5, base=1.0, most=15 * 60)
OVERALL = Backoff(free=20, base=1.0, most=30.0)
FORGET_AFTER = 60 * 60
MAX_CLIENTS = 10_000


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0


@dataclass(frozen=True)
class Attempt:
    """How one passcode try went: the role it gave (None when wrong or not checked),
    whether it was checked at all, the seconds before the next try, and this client's
    failures in a row."""

    role: str | None
    checked: bool
    wait: float
    failures: int


class PasscodeGuard:
    """Passcode tries under exponential back-off, per client and over all clients. One lock
    covers the back-off check, the passcode check and the count, so sessions guessing at
    once cannot slip extra tries in between."""

    def __init__(
        self,
        *,
        per_client: Backoff = PER_CLIENT,
        overall: Backoff = OVERALL,
        forget_after: float = FORGET_AFTER,
        max_clients: int = MAX_CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._per_client, self._overall = per_client, overall
        self._forget_after, self._max_clients, self._clock = forget_after, max_clients, clock
        self._lock = threading.Lock()
        self._clients: dict[str, _Record] = {}
        self._all = _Record()

    def attempt(self, client: str, check: Callable[[], str | None]) -> Attempt:
        """Run ``check`` (which returns the role a passcode gives, or None) unless ``client``
        or everyone is in a back-off, and count a failure."""
        with self._lock:
            now = self._clock()
            mine = self._record(client, now)
            self._forget(self._all, now)
            wait = self._wait(mine, now)
            if wait > 0:
                return Attempt(None, False, wait, mine.failures)
            role = check()
            if role is not None:
                del self._clients[client]
                return Attempt(role, True, 0.0, 0)
            for record in (mine, self._all):
                record.failures += 1
                record.last = now
            return Attempt(None, True, self._wait(mine, now), mine.failures)

    def clients(self) -> int:
        """How many clients' failures are remembered."""
        with self._lock:
            return len(self._clients)

    def _wait(self, mine: _Record, now: float) -> float:
        own = mine.last + self._per_client.delay(mine.failures) - now
        everyone = self._all.last + self._overall.delay(self._all.failures) - now
        return max(0.0, own, everyone)

    def _forget(self, record: _Record, now: float) -> None:
        if record.failures and now - record.last >= self._forget_after:
            record.failures = 0

    def _record(self, client: str, now: float) -> _Record:
        record = self._clients.get(client)
        if record is None:
            if len(self._clients) >= self._max_clients:
                self._prune(now)
            record = self._clients[client] = _Record()
        self._forget(record, now)
        return record

    def _prune(self, now: float) -> None:
        """Drop quiet clients, and the oldest if still full: an attacker cycling addresses
        must not grow this table without bound (the overall back-off still holds them)."""
        for key in [k for k, r in self._clients.items() if now - r.last >= self._forget_after]:
            del self._clients[key]
        by_age = sorted(self._clients, key=lambda k: self._clients[k].last)
        for key in by_age[: max(0, len(by_age) - self._max_clients + 1)]:
            del self._clients[key]
