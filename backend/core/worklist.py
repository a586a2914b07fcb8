"""今日待办: what waits on a person, gathered from every domain without the console importing any.

A domain declares its lists (`Domain.work`, `module:function`), each called as
`function(principal, today) -> [WorkList]`: what this person may act on now, within what
`visible_to(principal)` lets them see, oldest deadline first, at most WORK_ITEMS lines each with the
total. A deadline is a date on the shared working-day calendar (the domain computed it when the record
entered its stage); a line past it is overdue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from backend.core import domains
from backend.core.principal import ADMIN, Principal

WORK_ITEMS = 20  # lines a list shows; its total says how many wait


@dataclass(frozen=True)
class WorkItem:
    title: str  # Chinese: the record, e.g. "TS20261207001 · 如皋市某餐馆 · 食品变质"
    deadline: date | None
    overdue: bool
    link: str | None = None  # the console page that acts on it, where one exists


@dataclass(frozen=True)
class WorkList:
    kind: str  # e.g. "complaints.to_handle"
    heading: str  # Chinese: what to do, e.g. "待受理、办理的投诉举报"
    total: int
    items: tuple[WorkItem, ...]

    @property
    def overdue(self) -> int:
        return sum(item.overdue for item in self.items)

    @property
    def first_deadline(self) -> date | None:
        return min((item.deadline for item in self.items if item.deadline), default=None)


def work_list(
    kind: str,
    heading: str,
    found,
    line: Callable[[object], str],
    today: date,
    *,
    deadline: Callable[[object], date | None] = lambda record: None,
    link: Callable[[object], str | None] = lambda record: None,
) -> WorkList:
    """A WorkList from a QuerySet already in order (oldest deadline first): its count and first lines."""
    items = []
    for record in found.limit(WORK_ITEMS):
        due = deadline(record)
        items.append(WorkItem(line(record), due, bool(due and due < today), link(record)))
    return WorkList(kind, heading, found.count(), tuple(items))


def for_person(principal: Principal, today: date) -> list[WorkList]:
    """Every domain's lists for this person, the non-empty ones, the most pressing first (an overdue
    line, then the earliest deadline). Casework belongs to the people of a district: an admin, who
    administers the whole platform, has none (and a province-wide list by status would read every
    record)."""
    if principal.role == ADMIN:
        return []
    lists = [found for provider in domains.contributed("work") for found in provider(principal, today) if found.total]
    return sorted(lists, key=lambda found: (-found.overdue, found.first_deadline or date.max, found.heading))
