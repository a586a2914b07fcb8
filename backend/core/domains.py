"""The platform's domains in one list, and what each contributes: card sections, settings, texts,
error messages, jobs and indicators. No Flask: the web apps, the job worker, the video worker and
every command-line tool load them the same way — implicitly, the first time anything asks
(`load_settings`, the text catalogue, the card's sections), so a process that is not the web app is
never missing a part.

Like Django's INSTALLED_APPS, core holds the list as data (package names) and imports the packages by
name when loaded, so core still imports no domain's code. A domain declares what it brings in its
package's `__init__`:

    DOMAIN = Domain(
        "cameras",
        card_sections=("backend.cameras.card:SECTION",),
        settings=(Setting("VIDEO_MAX_CAMERAS", 50, int, low=1, high=10_000, help="…"),),
    )

and keeps its texts and error messages beside its code (`data/texts.json`, `data/messages.json`).
Adding a domain touches `INSTALLED` and the domain's own package, nothing else central.
"""

from __future__ import annotations

import functools
import importlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

# Every domain package under backend/, in the order their card sections and indicators are listed.
INSTALLED = (
    "accounts",
    "audit",
    "blobs",
    "calendars",
    "notifications",
    "workflow",
    "public_card",
    "registry",
    "staff",
    "routine",
    "inspections",
    "complaints",
    "sampling",
    "purchasing",
    "trace",
    "cameras",
    "enforcement",
    "supervision",
    "banquets",
    "indicators",
)


@dataclass(frozen=True)
class Setting:
    """A setting a domain reads (`settings.NAME`): its default, how the environment's text becomes a
    value, and its bounds (`low`..`high`, inclusive, in `unit`) or a `check` returning a reason."""

    name: str
    default: Any
    parse: Callable[[str], Any] = str
    low: float | None = None
    high: float | None = None
    unit: str = ""
    check: Callable[[Any], str | None] | None = None
    help: str = ""

    def validate(self, value: Any) -> str | None:
        """The reason `value` is refused, or None."""
        if value is None:
            return None
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            return f"{self.unit + ' ' if self.unit else ''}from {self.low} to {self.high}".strip()
        return self.check(value) if self.check else None


@dataclass(frozen=True)
class Domain:
    """What one domain contributes. References are `module:attribute` strings, resolved on load, so
    declaring a domain imports none of its code."""

    name: str
    card_sections: tuple[str, ...] = ()
    settings: tuple[Setting, ...] = ()
    jobs: tuple[str, ...] = ()  # dotted functions the job worker may run for this domain
    indicators: tuple[str, ...] = ()  # `module:function` giving indicator rows (the KPI contract)
    # `module:function(principal, district, today) -> [Shortfall]`: the lists behind missed targets
    shortfalls: tuple[str, ...] = ()
    # `module:function(principal, today) -> [WorkList]`: what waits on a person (今日待办, core.worklist)
    work: tuple[str, ...] = ()
    # (event, `module:function`): what this domain does when another says something happened, without
    # either importing the other (the risk grade hears of a failed sample or a closed complaint)
    listens: tuple[tuple[str, str], ...] = ()
    # `module:function(business_id, since) -> dict`: inputs this domain adds to a business's risk grade
    # (enforcement: penalties and the credit class), so the grade's domain imports none of them
    risk_inputs: tuple[str, ...] = ()
    # `module:function(business_id, day) -> bool`: True holds the business's grade that day (no grade
    # within 6 months of a food-safety incident, which the banquets domain records)
    grade_holds: tuple[str, ...] = ()

    @property
    def package(self) -> str:
        return f"backend.{self.name}"

    def data(self, filename: str) -> dict:
        """The domain's `data/<filename>` JSON, or {} when it keeps none."""
        path = resources.files(self.package).joinpath("data", filename)
        return json.loads(path.read_text("utf-8")) if path.is_file() else {}


_lock = threading.RLock()


@functools.cache
def loaded() -> tuple[Domain, ...]:
    """Every installed domain's declaration, in `INSTALLED` order (imports each package once)."""
    with _lock:
        found = []
        for name in INSTALLED:
            declared = getattr(importlib.import_module(f"backend.{name}"), "DOMAIN", None)
            if not isinstance(declared, Domain) or declared.name != name:
                raise RuntimeError(f"backend.{name} declares no DOMAIN = Domain({name!r}, …)")
            found.append(declared)
        return tuple(found)


def resolve(reference: str) -> Any:
    """`package.module:attribute` → the attribute (imports the module)."""
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)


@functools.cache
def contributed(kind: str) -> tuple[Any, ...]:
    """Every domain's contributions of one kind (`card_sections`, `indicators`), resolved."""
    return tuple(resolve(reference) for domain in loaded() for reference in getattr(domain, kind))


# What domains tell each other, by name: the sender imports nobody, the listeners are declared.
EVENTS = {
    "risk_input_changed": "an input of a business's risk grade changed (a failed sample, a complaint closed …): business_id",
    "approval_requested": "a regulator is about to approve a business's registration or change: business_id "
    "(a listener refuses by raising a domain error)",
    "violation_suspected": "a record may show a violation for enforcement to review (a camera problem escalated, an "
    "inspection not compliant …): kind, source_id, business_id, summary, evidence (blob SHA-256s), and "
    "shown_evidence (the same with faces blurred, by position) where the pictures show people",
}


def announce(event: str, **values: Any) -> None:
    """Tell every domain that listens for `event` (in this process, now, after the caller's write)."""
    if event not in EVENTS:
        raise ValueError(f"no event named {event!r}")
    for domain in loaded():
        for heard, reference in domain.listens:
            if heard == event:
                resolve(reference)(**values)


@functools.cache
def data_file(package: str, path: str) -> Any:
    """A package's JSON data file (rules, checklists, pledge texts), read once per process."""
    return json.loads(resources.files(package).joinpath(path).read_text("utf-8"))


def declared_settings() -> dict[str, Setting]:
    found: dict[str, Setting] = {}
    for domain in loaded():
        for setting in domain.settings:
            if setting.name in found:
                raise RuntimeError(f"setting {setting.name} is declared twice")
            found[setting.name] = setting
    return found


def declared_jobs() -> frozenset[str]:
    return frozenset(job for domain in loaded() for job in domain.jobs)


def merged_data(filename: str, core: dict) -> dict:
    """`core`'s catalogue with every domain's `data/<filename>` laid over it (two levels deep: a
    catalogue of sections, each a mapping); a key given twice with different words is an error."""
    merged = {key: dict(value) if isinstance(value, dict) else value for key, value in core.items()}
    for domain in loaded():
        for key, value in domain.data(filename).items():
            if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()) and key in merged:
                for inner, words in value.items():
                    if merged[key].get(inner, words) != words:
                        raise RuntimeError(f"{domain.name}/data/{filename}: {key}.{inner} differs from elsewhere")
                    merged[key][inner] = words
            elif key in merged and merged[key] != value:
                raise RuntimeError(f"{domain.name}/data/{filename}: {key} differs from elsewhere")
            else:
                merged[key] = value
    return merged
