"""Markdown read as the text it renders: markup characters blanked to spaces, every other character in place.

A `.md` file is indexed as its text with headings' `#`, emphasis (`**`, `__`, `*`, `_`, `~~`), code
backticks and fences, link brackets and targets, images, bullets, quote marks, rules, tables' pipes,
HTML tags and escaping backslashes replaced by spaces. The result has the file's length and line breaks,
so every word's offset and line number is the file's own; passages fold the spaces away like any whitespace
(`index.models.Passage`: `text` equals the indexed slice up to whitespace). Code is kept as written. Only
punctuation glued to markup moves, onto the markup's blanks ("**4,000**." reads "4,000."), as folding alone
would show "4,000 ." there.
"""

from __future__ import annotations

import re

from index.config import INDEX

# Whole lines: fences, setext underlines and rules, link definitions, table separators.
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_RULE = re.compile(r"^ {0,3}(?:=+|-{2,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})[ \t]*$")
_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S.*$")
_TABLE_RULE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+(?:[ \t]*:?-{3,}:?[ \t]*)?\|?[ \t]*$")
# Line openings: heading marks, quote marks, bullets (ordered lists keep their numbers: they render).
_OPENING = re.compile(r"^(?P<quote>(?: {0,3}>[ \t]?)*)(?P<mark> {0,3}#{1,6}(?=[ \t]|$)|[ \t]*[-*+](?=[ \t]))?")
_CLOSING_HASHES = re.compile(r"[ \t]#+[ \t]*$")
# A span of markup is bounded (IndexConfig.markdown_span): an opener with no closer must not scan the rest of
# a megabyte line, once per opener.
_SPAN = INDEX.markdown_span
# Inline: code spans first (their insides are kept as written), then links, then emphasis.
_CODE = re.compile(rf"(?<!`)(`+)(?!`)(.{{1,{_SPAN}}}?)(?<!`)\1(?!`)")
_URL = re.compile(r"<?https?://[^\s<>()]+(?:\([^\s<>()]*\)[^\s<>()]*)*>?")
_IMAGE = re.compile(rf"!\[[^\]\n]{{0,{_SPAN}}}\](?:\([^)\n]{{0,{_SPAN}}}\)|\[[^\]\n]{{0,{_SPAN}}}\])")
_LINK = re.compile(rf"(?<!\\)\[(?P<label>[^\]\n]{{1,{_SPAN}}})\]"
                   rf"(?P<target>\((?:[^()\n]|\([^()\n]{{0,{_SPAN}}}\)){{0,{_SPAN}}}\)|\[[^\]\n]{{0,{_SPAN}}}\])")
_FOOTNOTE = re.compile(rf"\[\^[^\]\n]{{1,{_SPAN}}}\]:?")
_TAG = re.compile(rf"<!--.{{0,{_SPAN}}}?-->|</?[A-Za-z][A-Za-z0-9-]*(?:[ \t][^<>\n]{{0,{_SPAN}}})?/?>")
_STRONG = re.compile(rf"(?<![\w*\\])(\*\*|__)(?=\S)(.{{1,{_SPAN}}}?)(?<=[^\s\\])\1(?![\w*])")
_EMPHASIS = re.compile(rf"(?<![\w*\\])(\*|_|~~)(?=[^\s*])(.{{1,{_SPAN}}}?)(?<=[^\s\\])\1(?![\w*])")
_ESCAPE = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
# Punctuation glued to markup ("**4,000**.", "(_sic_)") moves onto the markup's blanks, next to its word.
_CLOSERS = frozenset(".,;:!?)]}\"'\u2019\u201d\u2026%")
_OPENERS = frozenset("([{\"'\u2018\u201c")


def is_markdown(path: str) -> bool:
    """Whether a file's name says it is Markdown."""
    return path.lower().endswith((".md", ".markdown"))


class _Line:
    """One line being blanked: `work` is what later patterns see (kept code hidden), `out` what is indexed."""

    def __init__(self, line: str) -> None:
        self.out = list(line)
        self.work = list(line)
        self.blanked = [False] * len(line)  # markup made blank (the line's own spaces are not)

    def blank(self, start: int, end: int) -> None:
        for at in range(start, end):
            if not self.out[at].isspace():
                self.out[at] = self.work[at] = " "
                self.blanked[at] = True

    def unescape(self, at: int) -> None:
        """`\\*` as `*`: the character takes the backslash's place when it ends a word ("em\\*"), else stays."""
        if at > 0 and not self.out[at - 1].isspace():
            self.out[at], self.work[at] = self.out[at + 1], "x"
            self.out[at + 1] = self.work[at + 1] = " "
            self.blanked[at + 1] = True
        else:
            self.blank(at, at + 1)
            self.hide(at + 1, at + 2)

    def glue(self) -> None:
        """Move punctuation glued to markup across its blanks, so "**4,000**." reads "4,000." once folded."""
        out, blanked, at = self.out, self.blanked, 0
        while at < len(out):
            if not blanked[at]:
                at += 1
                continue
            end = at
            while end < len(out) and blanked[end]:
                end += 1
            opens = at > 0 and out[at - 1] in _OPENERS and (at == 1 or out[at - 2].isspace())
            if at > 0 and not out[at - 1].isspace() and not opens:  # it closes a word: pull its punctuation in
                stop = end
                while stop < len(out) and out[stop] in _CLOSERS and not blanked[stop]:
                    stop += 1
                moved = out[end:stop]
                out[at:stop] = moved + [" "] * (stop - at - len(moved))
                blanked[at:stop] = [False] * len(moved) + [True] * (stop - at - len(moved))
                at += len(moved)
            elif end < len(out) and not out[end].isspace():  # the markup opens a word: push punctuation out
                first = at
                while first > 0 and out[first - 1] in _OPENERS and (first == 1 or out[first - 2].isspace()):
                    first -= 1
                moved = out[first:at]
                out[first:end] = [" "] * (end - first - len(moved)) + moved
                blanked[first:end] = [True] * (end - first - len(moved)) + [False] * len(moved)
            at = max(at + 1, end) if at < end else at + 1

    def hide(self, start: int, end: int) -> None:
        """Keep these characters as written, out of reach of every later pattern."""
        for at in range(start, end):
            self.work[at] = "x"

    def text(self) -> str:
        return "".join(self.work)


def _inline(line: _Line) -> None:
    """Blank a line's inline markup in place."""
    for match in _CODE.finditer(line.text()):
        line.blank(*match.span(1))
        line.hide(match.start(2), match.end(2))
        line.blank(match.end(2), match.end())
    for match in _IMAGE.finditer(line.text()):
        line.blank(*match.span())  # an image's alt text is a caption, not the article's prose
    for match in _LINK.finditer(line.text()):
        line.blank(match.start(), match.start() + 1)
        line.blank(match.end("label"), match.end())
    for match in _URL.finditer(line.text()):
        if match.group().startswith("<") and match.group().endswith(">"):
            line.blank(match.start(), match.start() + 1)
            line.blank(match.end() - 1, match.end())
            line.hide(match.start() + 1, match.end() - 1)
        else:
            line.hide(*match.span())  # a bare address keeps its underscores and stars
    for pattern in (_FOOTNOTE, _TAG):
        for match in pattern.finditer(line.text()):
            line.blank(*match.span())
    for pattern in (_STRONG, _STRONG, _EMPHASIS, _EMPHASIS):  # twice each: `***both***`, `**a _b_ c**`
        for match in pattern.finditer(line.text()):
            line.blank(*match.span(1))
            line.blank(match.end(2), match.end())
    for match in _ESCAPE.finditer(line.text()):
        line.unescape(match.start())


def _blanked(line: str, previous: str) -> str:
    """One line outside code fences, its markup blanked."""
    if _RULE.match(line) and (previous.strip() or not line.lstrip().startswith("=")):
        return " " * len(line)  # a rule, or a setext heading's underline
    if _DEFINITION.match(line) or _TABLE_RULE.match(line):
        return " " * len(line)
    work = _Line(line)
    opening = _OPENING.match(line)
    if opening:
        work.blank(*opening.span("quote"))
        if opening.group("mark"):
            work.blank(*opening.span("mark"))
            if opening.group("mark").lstrip().startswith("#") and (closing := _CLOSING_HASHES.search(line)):
                work.blank(*closing.span())
    if line.lstrip().startswith("|"):
        for at, char in enumerate(line):
            if char == "|" and (at == 0 or line[at - 1] != "\\"):
                work.blank(at, at + 1)
    _inline(work)
    work.glue()
    return "".join(work.out)


def plain_markdown(text: str) -> str:
    """`text` with its Markdown markup replaced by spaces: same length, same line breaks, same words in place."""
    out: list[str] = []
    fence: str | None = None
    previous = ""
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        opened = _FENCE.match(body)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence) and \
                    not body[opened.end():].strip():
                fence, body = None, " " * len(body)
            out.append(body + ending)  # code inside a fence is kept as written
            continue
        if opened:
            fence, body = opened.group(1), " " * len(body)  # the fence line, with its info string
        else:
            body = _blanked(body, previous)
        previous = body
        out.append(body + ending)
    return "".join(out)  # the file's length: each line keeps its own (tested on arbitrary text)


def markdown_title(plain: str) -> str | None:
    """The heading a Markdown file opens with (blanked text, `plain_markdown`), its spaces folded; None if none."""
    for line in plain.splitlines()[:3]:
        if line.strip():
            return " ".join(line.split())
    return None
