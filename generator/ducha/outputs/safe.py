"""Text from records made safe for each format it is written into.

Validation refuses control and invisible characters in records, but every writer still
escapes for its own format: what a record says must never become a formula in Excel,
a forged line in a calendar, an instruction to a terminal or a file Word cannot open.
HTML has its own escaping in ``site.pages.h``; ICS in ``ics``.
"""

from __future__ import annotations

import re

from ducha.rules.characters import shown

#: Characters a spreadsheet takes as the start of a formula (OWASP "CSV injection"); a tab or a
#: carriage return in front of one is skipped by some of them, so those lead as well.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
#: What XML 1.0 (and so DOCX and XLSX) cannot hold at all: C0 controls but tab and newline,
#: lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def terminal(text: str) -> str:
    """One line for a terminal: control and invisible characters spelled out, never obeyed."""
    return shown(text)


def formula_inert(text: str) -> str:
    """A spreadsheet cell's text that no spreadsheet evaluates: a leading ``'`` before a formula start."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def xml_text(text: str) -> str:
    """Text an XML document can hold: carriage returns as line breaks, other controls dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub("", text) if _NOT_XML.search(text) else text
