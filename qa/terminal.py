"""Making untrusted text safe to show on a terminal: control characters become visible."""

from __future__ import annotations

import re

# C0 (except tab and newline), DEL and C1: an article's ESC could set the window title, write the
# clipboard (OSC 52) or clear the screen; a bare CR could overwrite a citation already printed.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# One character for one, so offsets into the text (answer spans, cited regions) still hold:
# C0 has Unicode "control pictures" (ESC reads as ␛, DEL as ␡); C1 has none, so it reads as �.
_VISIBLE = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}
_TABLE = {code: _VISIBLE.get(code, "\ufffd") for code in (*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))}
# A file name that is not UTF-8 arrives with lone surrogates, which no terminal encoding can print.
_TABLE |= {code: "\ufffd" for code in range(0xD800, 0xE000)}


def safe(text: str) -> str:
    """`text` with every C0/C1 control character except newline and tab made visible, same length."""
    return text.translate(_TABLE) if _CONTROL.search(text) else text


def safe_line(text: str) -> str:
    """`safe`, and newlines and tabs too: for text that must stay on one line (titles, paths)."""
    return safe(text).replace("\n", "\u2424").replace("\t", "\u2409")


def has_control(text: str) -> bool:
    """Whether `text` holds a control character a terminal could act on (newline and tab aside)."""
    return _CONTROL.search(text) is not None
