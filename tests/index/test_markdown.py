"""Markdown read as it renders: markup out of passages and titles, every word at its offset in the file."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from index.load import read_source
from index.markdown_text import plain_markdown
from index.split import split_source
from qa.locate import to_file

STORY = """# Dockworkers **strike** over pay

**Date:** 2025-03-04

About **4,000** dockworkers walked out on _Monday_, according to [the union](https://example.org/u_n).
The `port_authority` said talks would resume (*soon*). See <https://example.org/a_b_c>.

## Talks resume

- Officials met on ~~Monday~~ Tuesday.
> A deal is *expected* soon, said \\*one\\* official.

```python
rate = base_pay * 2  # code is kept as written
```
"""


def read(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    source, _ = read_source(path)
    return source, *split_source(source)


def test_passages_and_titles_lose_the_markup(tmp_path):
    source, documents, passages = read(tmp_path, "story.md", STORY)
    assert documents[0].title == "Dockworkers strike over pay"
    assert documents[0].published == "2025-03-04"  # `**Date:**` reads as the header line it renders as
    shown = " ".join(" ".join(p.text.split()) for p in passages)
    assert "About 4,000 dockworkers walked out on Monday, according to the union." in shown
    assert "The port_authority said talks would resume (soon). See https://example.org/a_b_c." in shown
    assert "Officials met on Monday Tuesday." in shown
    assert "A deal is expected soon, said *one* official." in shown
    assert "rate = base_pay * 2  # code is kept as written" in source.text  # fences blanked, code as written
    assert "```" not in source.text
    assert not re.search(r"\*\*|\]\(|`|^#|\s#\s", shown)


def test_every_word_stays_at_its_offset_and_line(tmp_path):
    source, _, passages = read(tmp_path, "story.md", STORY)
    assert len(source.text) == len(STORY)
    assert [i for i, c in enumerate(source.text) if c == "\n"] == [i for i, c in enumerate(STORY) if c == "\n"]
    for word in re.finditer(r"[A-Za-z0-9][A-Za-z0-9,]*[A-Za-z0-9]", source.text):
        assert STORY[word.start():word.end()] == word.group()
    for passage in passages:
        assert passage.exact == source.text[passage.start:passage.end]
        at = passage.text.find("4,000")
        if at >= 0:
            start, end = to_file(passage, at, at + 5)
            assert STORY[start:end] == "4,000"  # an answer's offsets are the file's own


def test_plain_text_files_are_left_as_they_are(tmp_path):
    source, _, _ = read(tmp_path, "story.txt", STORY)
    assert source.text == STORY


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab _*#`[]()!<>|-=~\\.,:\"'\n\r\t") + ["http://x.y/_a_", "\u2028"]))
       .map("".join))
def test_length_and_line_breaks_never_change(text):
    plain = plain_markdown(text)
    assert len(plain) == len(text)
    assert all(plain[i] == c for i, c in enumerate(text) if c in "\n\r")
    # Every letter and digit is kept where it stands or blanked, never moved: the words left are the file's
    # at their offsets. (Letters can be markup too: a fence's info string "```a", a tag "<a>"; punctuation
    # stuck to markup moves onto it, "**4,000**." reading "  4,000.  ".)
    assert all(p == c or p == " " for p, c in zip(plain, text) if c.isalnum())
    assert all(text[i] == p for i, p in enumerate(plain) if p.isalnum())
    # Text with no markup character at all is left as it is.
    if not re.search(r"[_*#`\[\]()!<>|=~\\-]", text):
        assert plain == text
