"""Streamlit's own command line, with the two doors an app script cannot gate closed before the
server starts (SPEC §8). ``python -m ui.access.serve`` (``make run``) starts the app through it.

- ``/_stcore/metrics`` is not mounted: it told anyone who reached the server its session counts
  and cache sizes, before any passcode.
- Streamlit's "clear cache" message clears nothing: its menu item is hidden
  (``client.toolbarMode``), yet any websocket, one that never passed the gate included, could
  send it and empty every session's caches. The caches need no clearing by hand: every loader
  is keyed by the data's version, which each import, undo and edit moves on.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

LOG = logging.getLogger("smarketing.access")


def _no_metrics_routes(runtime: Any, base_url: str | None) -> list[Any]:
    return []


def _refuse_clear_cache(session: Any) -> None:
    LOG.warning("a request to clear every session's caches was refused")


def harden() -> None:
    """Close both doors in this process; call before Streamlit's server starts."""
    from streamlit.runtime.app_session import AppSession
    from streamlit.web.server.starlette import starlette_app

    starlette_app.create_metrics_routes = _no_metrics_routes  # type: ignore[assignment]
    AppSession._handle_clear_cache_request = _refuse_clear_cache  # type: ignore[method-assign,assignment]


def main() -> None:
    harden()
    from streamlit.web import cli

    cli.main(args=sys.argv[1:], prog_name="streamlit")


if __name__ == "__main__":
    main()
