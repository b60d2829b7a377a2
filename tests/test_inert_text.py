"""The cleaners behind SPEC §8's "user text is plain text": bidirectional controls removed, text
for Streamlit's Markdown that reads as typed but never links, colours or reverses, and text for
a terminal whose control characters show as escapes."""

from __future__ import annotations

import pytest
from test_escaping import ESCAPE, live_parts

from smarketing_data.text import plain, printable
from ui.components import WORD_JOINER, safe

HOSTILE = [
    "See http://3232235777/admin",
    "https://evil\u3002example/login",
    "https://a.example/x\\y",
    "\u202eexe.cod",
    ":red[red]",
    ":smile: and :material/home:",
    "www.evil.example",
    "WWW.EVIL.EXAMPLE",
    "ops@evil.example",
    "&#x202E;exe.cod &rlm;x &amp;",
    "<http://x.example>",
    "[click](javascript:alert(1))",
    "**Bold** _it_ `code` $x$ ~~no~~",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_safe_markdown_is_inert_and_reads_as_typed(text):
    markdown = safe(text)
    assert live_parts(markdown) == []
    shown = ESCAPE.sub(r"\1", markdown).replace(WORD_JOINER, "")
    assert shown == plain(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u202eexe.cod", "exe.cod"),
        ("a\u2066b\u2069c\u200e\u200f\u061c\u202a\u202b\u202c\u202d", "abc"),
        ("Zoë's café", "Zoë's café"),
        (5, "5"),
    ],
)
def test_plain_removes_bidirectional_controls_only(text, expected):
    assert plain(text) == expected


def test_safe_keeps_plain_colons_and_words_unchanged():
    assert safe("Alpha: 2 SQLs") == "Alpha: 2 SQLs"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("evil\x1b[2Jname.csv", "evil\\x1b[2Jname.csv"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("\u202eexe.cod", "\\u202eexe.cod"),
        ("x\x85y\x7fz\u2028", "x\\x85y\\x7fz\\u2028"),
        ("Zoë's café.csv", "Zoë's café.csv"),
    ],
)
def test_printable_shows_control_characters_as_escapes(text, expected):
    assert printable(text) == expected
