"""News furniture around training contexts: headers, bylines, wire datelines and boilerplate as distractors.

A reader trained only on encyclopedia paragraphs takes a byline's name for a "who" answer and keeps a
dateline inside its span; these windows teach it that such lines never hold the answer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

CITIES = ("LONDON", "WASHINGTON", "SEOUL", "NAIROBI", "LIMA", "OSLO", "MUMBAI", "DENVER", "HAMBURG", "MANILA",
          "ROTTERDAM", "ACCRA", "PERTH", "QUEBEC CITY", "SAN DIEGO")
STATES = ("Calif.", "Colo.", "Texas", "Ore.", "Fla.", "N.Y.", "Ill.", "Wash.")
COUNTRIES = ("South Korea", "Kenya", "Peru", "Norway", "India", "Germany", "Philippines")
OUTLETS = ("Reuters", "AP", "AFP", "Yonhap", "Bloomberg", "Kyodo", "dpa", "UPI")
PAPERS = ("The Harbor Tribune", "Valley Courier", "Daily Ledger", "Coastal Times", "Morning Herald", "Metro Wire")
NAMES = ("Maria Okafor", "James Lindqvist", "Priya Raman", "Tomas Herrera", "Hannah Cole", "Daniel Mbeki",
         "Aiko Tanaka", "Lucas Ferreira", "Sarah O'Neill", "Omar Haddad", "Elena Petrova", "Kevin Park")
MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
DASHES = (" \u2013 ", " \u2014 ", " -- ", " - ")


@dataclass(frozen=True)
class Dressed:
    """A context with furniture around it; the original text starts at `shift`."""

    text: str
    shift: int


def _date(rng: random.Random, year: bool) -> str:
    day = f"{rng.choice(MONTHS)} {rng.randint(1, 28)}"
    return f"{day}, {rng.randint(2015, 2026)}" if year else day


def dateline(rng: random.Random) -> str:
    """One of the wire forms, with or without the year and with any of the dashes."""
    city, dash, outlet = rng.choice(CITIES), rng.choice(DASHES), rng.choice(OUTLETS)
    forms = (
        f"{city}, {rng.choice(STATES)}, {_date(rng, rng.random() < 0.5)} ({outlet}){dash}",
        f"{city} ({outlet}){dash}",
        f"{city}, {_date(rng, True)} ({outlet}){dash}",
        f"{city}{dash}",
        f"{city}, {rng.choice(COUNTRIES)}, {_date(rng, rng.random() < 0.5)} ({outlet}){dash}",
    )
    return rng.choice(forms)


def header(rng: random.Random) -> str:
    """Header lines, a byline or an update stamp above the story."""
    name, paper = rng.choice(NAMES), rng.choice(PAPERS)
    forms = (
        f"Source: {paper}\nDate: {_date(rng, True)}\nAuthor: {name}\n\n",
        f"By {name}\n",
        f"By {name}, {paper}\n{_date(rng, True)}\n\n",
        f"Updated {_date(rng, True)} {rng.randint(1, 12)}:{rng.randint(0, 59):02d} p.m. ET\n",
        f"By {name} and {rng.choice(NAMES)} | {paper}\n\n",
    )
    return rng.choice(forms)


def footer(rng: random.Random) -> str:
    """Wire boilerplate and credits below the story."""
    forms = (
        f"\n\nReporting by {rng.choice(NAMES)}; Editing by {rng.choice(NAMES)}",
        f"\n\nPhoto: {rng.choice(NAMES)}/{rng.choice(OUTLETS)}",
        f"\n\n{rng.choice(NAMES)} contributed reporting from {rng.choice(CITIES).title()}.",
        f"\n\nCopyright {rng.randint(2015, 2026)} {rng.choice(PAPERS)}. All rights reserved.",
    )
    return rng.choice(forms)


def dress(context: str, rng: random.Random) -> Dressed:
    """The context with a header and/or dateline before it and sometimes a footer after it."""
    before = (header(rng) if rng.random() < 0.6 else "") + (dateline(rng) if rng.random() < 0.7 else "")
    after = footer(rng) if rng.random() < 0.5 else ""
    return Dressed(before + context + after, len(before))
