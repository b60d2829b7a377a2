"""CRM record ids: Salesforce 15→18 character normalisation and journey keys (SPEC §3, §5.1)."""

from __future__ import annotations

import re

_SFDC_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_SFDC_ID = re.compile(r"^[A-Za-z0-9]{15}$")
SFDC_QUEUE_PREFIX = "00G"


def sfdc_id18(value: str) -> str:
    """The 18-character form of a Salesforce id; other values are returned unchanged.

    The three suffix characters encode, for each 5-character chunk, which characters are
    upper case, so that the id survives case-insensitive systems.
    """
    if not _SFDC_ID.match(value):
        return value
    suffix = ""
    for start in (0, 5, 10):
        bits = 0
        for offset, char in enumerate(value[start : start + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << offset
        suffix += _SFDC_SUFFIX_ALPHABET[bits]
    return value + suffix


def opp_journey_key(source: str, record_id: str) -> str:
    """Key of the journey an opportunity linked to no lead becomes (SPEC §3.4)."""
    return f"{source}:opp:{record_id}"
