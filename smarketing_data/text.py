"""Text from files and people, made safe to show (SPEC §8): without the bidirectional controls
that make a name display other than it reads, and, for a terminal, with control characters
written as visible escapes instead of being obeyed."""

from __future__ import annotations

import re

# The explicit bidirectional formatting characters: embeddings and overrides (U+202A–U+202E),
# isolates (U+2066–U+2069) and the marks (LRM, RLM, ALM). "\u202eexe.cod" shows as "doc.exe".
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What a terminal may obey rather than show: C0, DEL and C1 controls, the bidirectional
# controls and the Unicode line and paragraph separators.
_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def plain(value: object) -> str:
    """``value`` as text without bidirectional controls, so it displays as it reads."""
    return BIDI_CONTROLS.sub("", str(value))


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(value: object) -> str:
    """``value`` as one line a terminal shows and never obeys: every control character
    (newlines and terminal escapes included) written as its escape, like ``\\x1b``."""
    return _TERMINAL_UNSAFE.sub(_escape, str(value))
