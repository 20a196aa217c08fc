"""What a search is limited to: documents published within a range of dates, by some outlets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Filters:
    """Which documents a question searches: published within [since, until] (ISO, inclusive), by one of `outlets`.

    A date bound leaves out documents whose date is unknown; outlets match by whole words, ignoring case.
    """

    since: str | None = None
    until: str | None = None
    outlets: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.since or self.until or self.outlets)

    def describe(self) -> str:
        """`since 2025-02-01, until 2025-02-28, outlet Yonhap`; empty when nothing is filtered."""
        parts = [f"since {self.since}" if self.since else "", f"until {self.until}" if self.until else "",
                 ("outlet " + " or ".join(self.outlets)) if self.outlets else ""]
        return ", ".join(p for p in parts if p)


NO_FILTERS = Filters()
