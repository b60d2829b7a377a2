"""``make run``: start the app with ``streamlit run`` after refusing a setup that must not
serve (SPEC §8): open access on an address other computers can reach, a passcode or secret
that is too short. Takes ``streamlit run``'s options, e.g. ``--server.address 0.0.0.0``."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from ui.access.settings import config

APP = Path(__file__).resolve().parents[2] / "app.py"


def listening_address(options: list[str]) -> str | None:
    """The address Streamlit will listen on with these options, read as Streamlit reads it:
    config files, then STREAMLIT_* variables, then the options themselves."""
    from streamlit import config as streamlit_config
    from streamlit.web import bootstrap, cli

    parsed = cli.main_run.make_context("run", [str(APP), *options])
    flags = {k: v for k, v in parsed.params.items() if k not in ("target", "args")}
    streamlit_config._main_script_path = str(APP)
    # Reading the options again makes Streamlit warn that the server section changed, which
    # is only true of this reading: the server itself starts afresh.
    warner = logging.getLogger("streamlit.config")
    level = warner.level
    warner.setLevel(logging.ERROR)
    try:
        bootstrap.load_config_options(flag_options=flags)
    finally:
        warner.setLevel(level)
    address = streamlit_config.get_option("server.address")
    return str(address) if address else None


def main(argv: list[str] | None = None) -> int:
    options = list(sys.argv[1:] if argv is None else argv)
    try:
        problems = config().problems(listening_address(options))
    except click.ClickException as exc:
        print(f"error: {exc.format_message()}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return 2
    # Streamlit's command line with the doors an app cannot gate closed (ui.access.hardened)
    command = [sys.executable, "-m", "ui.access.hardened", "run", str(APP), *options]
    os.execv(sys.executable, command)


if __name__ == "__main__":
    raise SystemExit(main())
