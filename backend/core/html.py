"""The one Jinja environment for HTML the domains render (card sections, the card itself, printable
certificates): everything escaped, block tags trimmed. A domain's template files are named
`<package>:<file>` and live in that package's `templates/` folder; short ones are `from_string`."""

from __future__ import annotations

from importlib import resources

from jinja2 import Environment, FunctionLoader, Template, select_autoescape


def _package_template(name: str) -> str | None:
    package, _, filename = name.partition(":")
    if not package or not filename:
        return None
    path = resources.files(package).joinpath("templates", filename)
    return path.read_text("utf-8") if path.is_file() else None


class _PackageEnvironment(Environment):
    def join_path(self, template: str, parent: str) -> str:
        """`{% extends "base.html" %}` in `backend.public_card:card.html` is that package's base."""
        if ":" not in template and ":" in parent:
            return parent.partition(":")[0] + ":" + template
        return template


ENVIRONMENT = _PackageEnvironment(
    loader=FunctionLoader(_package_template),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def from_string(source: str) -> Template:
    return ENVIRONMENT.from_string(source)


def get_template(name: str) -> Template:
    return ENVIRONMENT.get_template(name)
