"""The output boundary: untrusted text (articles, titles, file names) made safe before it leaves the program."""

from __future__ import annotations

import json
import re
import sys
from typing import TextIO

# What a terminal could act on or be fooled by. C0 (but tab and newline), DEL and C1: an article's ESC
# could set the window title, write the clipboard (OSC 52) or clear the screen; a bare CR could overwrite
# a citation already printed. Bidi controls (U+061C, U+200E/F, U+202A-E, U+2066-9) reorder what is shown,
# so `txt.exe` can read as another name; U+2028/U+2029 break lines where splitlines() and some renderers
# do. A file name that is not UTF-8 arrives with lone surrogates, which no terminal encoding can print.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\u2028\u2029{_BIDI}\\ud800-\\udfff]")
# One character for one, so offsets into the text (answer spans, cited regions) still hold:
# C0 has Unicode "control pictures" (ESC reads as ␛, DEL as ␡); C1, bidi controls and surrogates have
# none, so they read as �; the two Unicode line breaks read as the newline symbol and the pilcrow.
_VISIBLE = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421", 0x2028: "\u2424", 0x2029: "\u00b6"}
_CODES = (*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F, 0x2028, 0x2029,
          *range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0xD800, 0xE000))
_TABLE = {code: _VISIBLE.get(code, "\ufffd") for code in _CODES}
# The clipboard keeps none of them, nor tabs and newlines: pasted into a shell, an ESC[201~ ends a
# bracketed paste early and a newline runs what came before it.
_ANY = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\u2028\u2029{_BIDI}\\ud800-\\udfff]")
CLIP_JOIN = "; "  # what stands between the lines of a copied text (a citation and its quote)
# JSON escapes C0 itself; these it writes raw. As \\u escapes a JSON reader still gets the true text.
_JSON_RAW = re.compile(f"[\\x7f-\\x9f\u2028\u2029{_BIDI}\\ud800-\\udfff]")


def safe(text: str) -> str:
    """`text` with every control, bidi and surrogate character but newline and tab made visible, same length."""
    return text.translate(_TABLE) if _CONTROL.search(text) else text


def safe_line(text: str) -> str:
    """`safe`, and newlines and tabs too: for text that must stay on one line (titles, paths, log lines)."""
    return safe(text).replace("\n", "\u2424").replace("\t", "\u2409")


def clipboard_text(text: str) -> str:
    """`text` as one line with no control, escape or bidi character at all: what the clipboard gets."""
    lines = (" ".join(_ANY.sub("", line.replace("\t", " ")).split()) for line in text.splitlines())
    return CLIP_JOIN.join(line for line in lines if line)


def safe_json(value: object) -> str:
    """`value` as one line of JSON, every character a terminal could act on written as a `\\u` escape."""
    return _JSON_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", json.dumps(value, ensure_ascii=False))


def say(line: str, stream: TextIO | None = None) -> None:
    """Write one line (a warning, an error, a log or summary line) to stderr or `stream`, made safe."""
    out = stream or sys.stderr
    out.write(safe_line(line) + "\n")
    out.flush()
