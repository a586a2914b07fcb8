"""Card sections: each capability (staff, inspections, test results, cameras, recalls …) shows its
part of the public card through a section registered here, without touching the others.

A domain service keeps its section's summary up to date when it writes (`services.publish_section`),
and the section only renders that summary: the card is built from ONE document in ONE query however
many sections there are (`QUERIES_PER_MISS`), and a summary is at most `MAX_SECTION_BYTES` of JSON,
so a miss stays flat in data size. A section with no summary shows nothing, never an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from backend.core import domains

QUERIES_PER_MISS = 1  # the card's bound: one find of the card document, for any number of sections
MAX_SECTION_BYTES = 16 * 1024  # one section's summary as JSON; a summary, not the records behind it


def _as_published(data: dict, today: date) -> dict:
    return data


@dataclass(frozen=True)
class CardSection:
    """`render(shown)` gives the section's HTML fragment (escaped) from what `present(summary, today)`
    makes of the stored summary (the place for what changes with the date, such as counts of valid
    certificates); `top_level` puts it in the card's JSON under its own name instead of `sections`."""

    name: str
    order: int
    render: Callable[[dict], str] = field(default=lambda data: "")
    present: Callable[[dict, date], dict] = _as_published
    top_level: bool = False


@dataclass
class _Registry:
    """The sections every installed domain contributes (`Domain.card_sections`), gathered the first
    time one is asked for, in whatever process asks: the web apps, the job worker, the video worker."""

    extra: dict[str, CardSection] = field(default_factory=dict)

    @property
    def sections(self) -> dict[str, CardSection]:
        found = {section.name: section for section in domains.contributed("card_sections")}
        return {**found, **self.extra}

    def register(self, section: CardSection) -> CardSection:
        """A section beside the domains' (a test's)."""
        self.extra[section.name] = section
        return section

    def unregister(self, name: str) -> None:
        self.extra.pop(name, None)

    def ordered(self) -> list[CardSection]:
        return sorted(self.sections.values(), key=lambda s: (s.order, s.name))

    def get(self, name: str) -> CardSection | None:
        return self.sections.get(name)


registry = _Registry()
