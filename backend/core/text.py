"""Messages a service writes for the case at hand ("A business that is suspended cannot be edited."),
in a form the web layer can say in the client's language. Services know no request and no language:
they raise `Text(template, **values)`, which is the English sentence (what `str()`, logs and English
clients get) and keeps its template and values, so `render("zh")` fills the catalogue's Chinese
template with the same values.

The catalogue is `backend/core/data/texts.json` with each domain's own `data/texts.json` laid over it
(`backend.core.domains`): `texts` maps each English template to its Chinese
one (same placeholders, checked by a test that finds every `Text(...)` in the code), `states` names
records' states (`State("order", "shipped")` → 已发货) and `words` other program words a message
names (a record's kind).

A message kept with a record (an import's outcome, a row's reason) is stored in both languages
(`in_both_languages`), since the reader's language is known only when it is read; schemas show the
one of the request being answered (`current_language`, set by the web layer for each request)."""

from __future__ import annotations

import functools
import json
import string
from collections.abc import Iterable
from contextvars import ContextVar
from importlib import resources
from typing import Any

from backend.core import domains

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
_language: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


def current_language() -> str:
    return _language.get()


def use_language(language: str) -> None:
    """The language of the request being answered (the web layer sets it before each request)."""
    _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    """Core's catalogue with every domain's `data/texts.json` laid over it."""
    core = json.loads(resources.files("backend.core").joinpath("data/texts.json").read_text("utf-8"))
    return domains.merged_data("texts.json", core)


class Text(str):
    """An English sentence with its template and values, to be rendered in another language."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, /, **values: Any) -> Text:
        self = super().__new__(cls, template.format(**values) if values else template)
        self.template = template
        self.values = values
        return self

    def render(self, language: str) -> str:
        if language == "en":
            return str(self)
        translated = catalogue()["texts"].get(self.template, self.template)
        if not self.values:
            return translated
        return translated.format(**{name: rendered(value, language) for name, value in self.values.items()})

    def __reduce__(self):  # pickled (RQ jobs) as itself, not as a plain str
        return (_rebuild, (self.template, self.values))


def _rebuild(template: str, values: dict) -> Text:
    return Text(template, **values)


class State(Text):
    """A record's state as a message names it: the status word in English, its label in Chinese."""

    def __new__(cls, target: str, status: str) -> State:
        self = super().__new__(cls, status)
        self.target = target
        return self

    def render(self, language: str) -> str:
        if language == "en":
            return str(self)
        states = catalogue()["states"]
        return states.get(f"{self.target}.{self}") or states.get(str(self)) or str(self)

    def __reduce__(self):
        return (State, (self.target, str(self)))


class Word(Text):
    """A program word a message names (a record's kind, an action): itself in English."""

    def __new__(cls, word: str) -> Word:
        return super().__new__(cls, word)

    def render(self, language: str) -> str:
        return str(self) if language == "en" else catalogue()["words"].get(str(self), str(self))

    def __reduce__(self):
        return (Word, (str(self),))


class Items(Text):
    """A list a message names (missing items, unknown codes): at most `limit` shown, and how many more
    said; each entry a code, or (code, label) where the label is what a person reads (Chinese)."""

    def __new__(cls, entries: Iterable[str | tuple[str, str | None]], limit: int = 10) -> Items:
        pairs = [(entry, None) if isinstance(entry, str) else (entry[0], entry[1]) for entry in entries]
        shown, more = pairs[:limit], max(0, len(pairs) - limit)
        english = ", ".join(code for code, _ in shown) + (f" and {more} more" if more else "")
        self = super().__new__(cls, english)
        self.pairs, self.limit = pairs, limit
        return self

    def render(self, language: str) -> str:
        if language == "en":
            return str(self)
        shown = [f"{code}（{_short(label)}）" if label else code for code, label in self.pairs[: self.limit]]
        more = len(self.pairs) - len(shown)
        return "、".join(shown) + (f"，另有 {more} 项未列出（共 {len(self.pairs)} 项）" if more else "")

    def __reduce__(self):
        return (Items, (self.pairs, self.limit))


def _short(label: str, length: int = 24) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"


def rendered(value: Any, language: str) -> Any:
    """`value` in `language` when it is a Text; other values (numbers, dates, codes) as they are."""
    return value.render(language) if isinstance(value, Text) else value


def placeholders(template: str) -> set[str]:
    """The names a template fills in (what its translation must fill in too)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def in_both_languages(name: str, message: str) -> dict[str, str]:
    """{name: English, name_zh: Chinese} for a message stored with a record."""
    return {name: str(message), f"{name}_zh": rendered(message, "zh") if isinstance(message, Text) else str(message)}


def stored(record: dict | object, name: str) -> str | None:
    """A message stored with `in_both_languages`, in the current language (English when a record
    from before has only that)."""
    get = record.get if isinstance(record, dict) else lambda key: getattr(record, key, None)
    if current_language() == "zh":
        return get(f"{name}_zh") or get(name)
    return get(name)
