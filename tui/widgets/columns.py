"""Which columns the passage list shows at a width, and how wide, by priority as k9s does: the title flexes,
the other columns shrink or hide first, and the row never scrolls sideways."""

from __future__ import annotations

from dataclasses import dataclass

PAD = 2  # the table's cell padding: one column each side of every cell
RANK = 2
COSINE = 6  # "cosine" over values like 0.49: the passage's cosine to the question, not its rank
DATE = 10  # 2025-08-19; one more for the `?` of an assumed year
COPIES = 6  # "copies" over "+2 ▸"
MIN_TITLE = 24  # narrower than this, the lowest of the other columns is left out
WANT_TITLE = 40  # the title grows to this before the outlet grows, and whole before the file name grows
MAX_TITLE = 90
OUTLET = (8, 30)  # an outlet's name is shown whole up to 30 characters, cut to no fewer than 8
FILE = (14, 32)  # file:line, cut in the middle so the name's start and the line number stay
METADATA_FROM = 100  # date and outlet columns from this many terminal columns on


@dataclass(frozen=True)
class Facts:
    """What the rows hold, measured: the longest title, outlet and file:line, and which columns have values."""

    title: int = 0
    outlet: int = 0
    file: int = 0
    dated: bool = False
    copies: bool = False
    assumed: bool = False  # a date's year was assumed: shown `2025-08-19?`


@dataclass(frozen=True)
class Column:
    """One column shown: its key, header and content width (the cell padding comes on top)."""

    key: str
    label: str
    width: int


def plan(room: int, terminal: int, facts: Facts) -> tuple[Column, ...]:
    """The columns for `room` cells of table (padding included) on a terminal `terminal` wide, summing to `room`."""
    # When room is short the file name goes first, then the outlet, then the date: the title keeps MIN_TITLE.
    wanted: dict[str, tuple[int, int]] = {}  # key: (least, most) width, in priority order
    if facts.copies:
        wanted["copies"] = (COPIES, COPIES)
    if terminal >= METADATA_FROM and facts.dated:
        wanted["date"] = (DATE + facts.assumed, DATE + facts.assumed)
    if terminal >= METADATA_FROM and facts.outlet:
        wanted["outlet"] = (OUTLET[0], max(OUTLET[0], min(facts.outlet, OUTLET[1])))
    wanted["file"] = (min(FILE[0], max(facts.file, 4)), max(4, min(facts.file, FILE[1])))
    fixed = RANK + COSINE + 3 * PAD  # rank, cosine and the title's padding
    while wanted and fixed + MIN_TITLE + sum(low + PAD for low, _ in wanted.values()) > room:
        for key in ("file", "outlet", "date", "copies"):  # the order they give way in
            if key in wanted:
                del wanted[key]
                break
    widths = {key: low for key, (low, _) in wanted.items()}
    spare = room - fixed - sum(w + PAD for w in widths.values())
    title = max(min(spare, max(MIN_TITLE, min(facts.title, WANT_TITLE))), 1)
    spare -= title
    # The title first, to a readable width; then the outlet whole; then the title whole; then the file name.
    for key in ("outlet", "title", "file"):
        if key == "title":
            grow = min(spare, max(min(facts.title, MAX_TITLE) - title, 0))
            title, spare = title + grow, spare - grow
        elif key in wanted:
            grow = min(spare, wanted[key][1] - widths[key])
            widths[key], spare = widths[key] + grow, spare - grow
    title += max(spare, 0)  # what is left: the title flexes to fill the row
    columns = [Column("rank", "#", RANK), Column("score", "cosine", COSINE), Column("title", "title", title)]
    order = ("date", "outlet", "file", "copies")
    labels = {"date": "date", "outlet": "outlet", "file": "file:line", "copies": "copies"}
    columns += [Column(key, labels[key], widths[key]) for key in order if key in widths]
    return tuple(columns)


def cut(text: str, width: int) -> str:
    """`text` in `width` cells: cut at the end with an ellipsis (at a word boundary when one is near)."""
    if len(text) <= width:
        return text
    if width <= 1:
        return text[:width]
    head = text[: width - 1]
    space = head.rfind(" ")
    if space >= width * 2 // 3:
        head = head[:space]
    return head.rstrip(" ,;:-—") + "…"


def cut_middle(text: str, width: int) -> str:
    """`text` in `width` cells, cut in the middle: `2025-08-13-meri…lifted.txt:5` keeps the date and the line."""
    if len(text) <= width:
        return text
    if width <= 1:
        return text[:width]
    tail = (width - 1) // 2
    return text[: width - 1 - tail] + "…" + text[len(text) - tail:]
