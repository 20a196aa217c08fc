"""The sanitiser of the output boundary: visible and same length for screens, one clean line for the clipboard."""

from __future__ import annotations

import io
import json

from index.safe_text import clipboard_text, safe, safe_json, safe_line, say
from tests.qa.test_output_boundary import FORBIDDEN_ON_CLIPBOARD, escapes

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Lone surrogates as undecodable bytes arrive (U+DC80-U+DCFF), and a high one alone.
EVERY = "".join(chr(code) for code in range(0x00, 0xA0)) + BIDI + "\u2028\u2029\udc80\udcff\ud800" + "é€«»—"


def test_safe_makes_every_control_bidi_and_surrogate_visible_at_the_same_length():
    shown = safe(EVERY)
    assert len(shown) == len(EVERY)  # offsets into the text (answer spans) still hold
    assert escapes(shown) == [] and "\n" in shown and "\t" in shown
    assert safe("a\x1b[2Jb") == "a␛[2Jb" and safe("a\x9bb") == "a\ufffdb"
    assert safe("txt\u202eexe.doc") == "txt\ufffdexe.doc"  # a right-to-left override shown, not obeyed
    assert safe("a\u2028b\u2029c") == "a␤b¶c"  # Unicode line breaks: no line starts where none was
    assert safe("plain text, «quoted» — fine é€") == "plain text, «quoted» — fine é€"
    assert safe(shown) == shown  # once safe, safe again: two passes change nothing


def test_safe_line_keeps_to_one_line():
    assert safe_line("a\nb\tc\u2028d") == "a␤b␉c␤d"
    assert escapes(safe_line(EVERY)) == [] and "\n" not in safe_line(EVERY) and "\t" not in safe_line(EVERY)


def test_clipboard_text_is_one_line_with_no_control_at_all():
    hostile = "Strike \x1b[201~touch /tmp/pwned\x1b[200~ — /a.txt:3\n“4,000\u202e\tworkers\x9b”\r\n\u2028"
    copied = clipboard_text(hostile)
    assert copied == "Strike [201~touch /tmp/pwned[200~ — /a.txt:3; “4,000 workers”"
    assert FORBIDDEN_ON_CLIPBOARD.findall(clipboard_text(EVERY)) == []
    assert clipboard_text("one\ntwo\n\nthree") == "one; two; three"  # lines kept apart, on one line


def test_safe_json_escapes_what_a_terminal_acts_on_and_keeps_the_true_text():
    value = {"title": EVERY, "n": 1}
    line = safe_json(value)
    assert escapes(line) == [] and "\n" not in line
    assert json.loads(line) == value
    assert safe_json({"t": "é — «»"}) == '{"t": "é — «»"}'  # readable text stays readable


def test_say_writes_one_safe_line():
    stream = io.StringIO()
    say("warning: skipped clear\x1b[2J\u202e.docx\nand more", stream)
    assert stream.getvalue() == "warning: skipped clear␛[2J\ufffd.docx␤and more\n"
