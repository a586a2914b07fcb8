"""Card sections: each capability (staff, inspections, test results, cameras, recalls …) adds its part
of the public card by registering a section here, without touching the others.

A section's `load` gets the business and may run at most ONE MongoDB query (the card's total is
bounded: one query for the business plus one per section). It returns None while it has nothing to
show, and the card then shows nothing for it — never an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

MAX_SECTIONS = 5  # 1 business query + 5 section queries = the card's bound of 6


@dataclass(frozen=True)
class SectionOutput:
    data: dict                      # the section's part of the public JSON (masked: no personal data)
    html: str = ""                  # its fragment of the page (already escaped by its template)
    alerts: tuple[str, ...] = ()    # red notices shown at the top (e.g. a recall)
    grade: dict | None = None       # {"level": "A"|"B"|"C", "rated_on": "YYYY-MM-DD"} from the rating section


class CardSection(Protocol):
    name: str
    order: int

    def load(self, business) -> SectionOutput | None: ...


@dataclass
class _Registry:
    sections: dict[str, CardSection] = field(default_factory=dict)

    def register(self, section: CardSection) -> CardSection:
        if section.name not in self.sections and len(self.sections) >= MAX_SECTIONS:
            raise RuntimeError(f"the public card allows at most {MAX_SECTIONS} sections (query bound)")
        self.sections[section.name] = section
        return section

    def unregister(self, name: str) -> None:
        self.sections.pop(name, None)

    def ordered(self) -> list[CardSection]:
        return sorted(self.sections.values(), key=lambda s: (s.order, s.name))


registry = _Registry()


def register_section(section: CardSection) -> CardSection:
    return registry.register(section)


