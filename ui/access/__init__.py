"""Who may do what (SPEC §8): sign-in through the identity provider when ``[auth]`` is
configured, else optional passcodes, else open on this computer only.

Viewers read everything and write commentary; editors also upload, undo, clear the sample and
edit goals, targets and definitions. ``require_editor`` is called where those actions happen,
not only where their buttons are drawn. The role is worked out on every run from what the
browser holds and the server can check (``session``), the gate refuses what must not be
served (``gate``), and ``python -m ui.access.serve`` refuses to start such a setup at all.
"""

from ui.access.entry import gate, require_editor, sidebar_status
from ui.access.session import can_edit, identity, role, user_name
from ui.access.settings import EDITOR, VIEWER, AccessConfig, config

__all__ = [
    "EDITOR",
    "VIEWER",
    "AccessConfig",
    "can_edit",
    "config",
    "gate",
    "identity",
    "require_editor",
    "role",
    "sidebar_status",
    "user_name",
]
