"""Settings: declared once as a table of (name, environment variable, default, help).

Every setting is documented in the README (a test checks it). Values come from the
environment; the database URL also from the CLI's ``--db`` and ``.streamlit/secrets.toml``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "smarketing.db"
SECRETS_PATH = PROJECT_ROOT / ".streamlit" / "secrets.toml"


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "db_url",
        "SMARKETING_DB_URL",
        "sqlite:///data/smarketing.db",
        "SQLAlchemy URL of the database (after --db, before secrets.toml).",
    ),
    Setting(
        "timezone",
        "SMARKETING_TIMEZONE",
        "UTC",
        "Business time zone: zoned times are converted to it, naive times are taken as it.",
    ),
    Setting(
        "fiscal_start_month",
        "SMARKETING_FISCAL_START_MONTH",
        "1",
        "First month of the fiscal year (1 = calendar quarters like 2026-Q2).",
    ),
    Setting(
        "followup_sla_hours",
        "SMARKETING_FOLLOWUP_SLA_HOURS",
        "24",
        "Hours within which an MQL must get its first sales touch.",
    ),
    Setting("top_n", "SMARKETING_TOP_N", "5", "Default number of entries in each top/bottom list."),
    Setting(
        "min_volume",
        "SMARKETING_MIN_VOLUME",
        "10",
        "Smallest cohort a rep needs to be ranked; smaller ones are listed as left out.",
    ),
    Setting(
        "max_upload_mb",
        "SMARKETING_MAX_UPLOAD_MB",
        "200",
        "Largest file the import accepts, in megabytes.",
    ),
    Setting(
        "passcode",
        "SMARKETING_PASSCODE",
        "",
        "Viewer passcode (app): when set, the app asks for it before showing anything.",
    ),
    Setting(
        "editor_passcode",
        "SMARKETING_EDITOR_PASSCODE",
        "",
        "Editor passcode (app): whoever enters it may upload, undo and edit goals.",
    ),
    Setting(
        "editors",
        "SMARKETING_EDITORS",
        "",
        "Comma-separated e-mails of editors when sign-in ([auth]) is configured.",
    ),
    Setting(
        "max_rows",
        "SMARKETING_MAX_ROWS",
        "6000000",
        "Most data rows one file may have.",
    ),
)


class ConfigError(ValueError):
    """A setting has a value that cannot be used."""


@dataclass(frozen=True)
class Settings:
    timezone: str = "UTC"
    fiscal_start_month: int = 1
    followup_sla_hours: float = 24.0
    top_n: int = 5
    min_volume: int = 10
    max_upload_mb: int = 200
    max_rows: int = 6_000_000

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024


def _env(name: str) -> str:
    setting = next(s for s in SETTINGS if s.name == name)
    value = os.environ.get(setting.env, "").strip()
    return value or setting.default


def _int(name: str, low: int, high: int) -> int:
    raw = _env(name)
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def load_settings() -> Settings:
    """Read every setting from the environment (defaults where unset)."""
    tz = _env("timezone")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown time zone {tz!r} in SMARKETING_TIMEZONE") from None
    try:
        sla = float(_env("followup_sla_hours"))
    except ValueError:
        raise ConfigError("SMARKETING_FOLLOWUP_SLA_HOURS must be a number") from None
    return Settings(
        timezone=tz,
        fiscal_start_month=_int("fiscal_start_month", 1, 12),
        followup_sla_hours=sla,
        top_n=_int("top_n", 1, 100),
        min_volume=_int("min_volume", 1, 1_000_000),
        max_upload_mb=_int("max_upload_mb", 1, 100_000),
        max_rows=_int("max_rows", 1, 1_000_000_000),
    )


def _secrets_url(path: Path) -> str | None:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return None
    url = data.get("connections", {}).get("smarketing", {}).get("url")
    return str(url) if url else None


def resolve_db_url(cli_url: str | None = None, *, secrets_path: Path = SECRETS_PATH) -> str:
    """The database URL: --db, then SMARKETING_DB_URL, then secrets.toml, then the SQLite file."""
    if cli_url:
        return cli_url
    env = os.environ.get("SMARKETING_DB_URL", "").strip()
    if env:
        return env
    secret = _secrets_url(secrets_path)
    if secret:
        return secret
    return f"sqlite:///{DEFAULT_DB_PATH}"
