"""The console's language: Chinese, or English for a person who switches (a cookie, `/console/language`).

The pages are written in Chinese. Their text is looked up in `data/en.json` ({Chinese: English}): the
templates' own text through `t("…{0}…", value)`, and everything a page prints (`{{ … }}`: the labels the
domains give, notices, the menu) through the console's Jinja environment, whose `finalize` looks each
printed string up the same way. What is not in the catalogue — names, addresses, what people wrote —
is shown as it is. Refusals come in English from the services themselves, as the API gives them with
`Accept-Language: en` (`page_session.field_problems`)."""

from __future__ import annotations

import functools
import json
from importlib import resources

from flask import current_app, has_request_context, request
from markupsafe import Markup, escape

LANGUAGE_COOKIE = "sfs_console_lang"
LANGUAGES = {"zh": "中文", "en": "English"}
COOKIE_MAX_AGE = 365 * 86400


@functools.cache
def english() -> dict[str, str]:
    return json.loads(resources.files("backend.console").joinpath("data/en.json").read_text("utf-8"))


def language() -> str:
    """The language of the console page being answered: the person's choice, Chinese by default."""
    if not has_request_context():
        return "zh"
    chosen = request.cookies.get(LANGUAGE_COOKIE, "zh")
    return chosen if chosen in LANGUAGES else "zh"


def translated(text: str) -> str:
    return english().get(text, text) if language() == "en" else text


def t(text: str, *values) -> Markup:
    """A template's text in the page's language, `{0}`… filled with `values` (escaped unless already
    markup: a macro's output stays HTML)."""
    return Markup(escape(translated(text))).format(*values)


def _finalize(value):
    """Every string a console page prints, in the page's language where the catalogue has it."""
    if type(value) is str and language() == "en":
        return english().get(value, value)
    return value


def environment():
    """The app's Jinja environment with `_finalize` (an overlay: the same loader, globals and filters;
    its own compiled templates). The public pages keep the app's own environment."""
    app = current_app
    if "sfs.console_jinja" not in app.extensions:
        app.extensions["sfs.console_jinja"] = app.jinja_env.overlay(finalize=_finalize)
    return app.extensions["sfs.console_jinja"]


def render(template: str, **context) -> str:
    """A console template rendered as Flask's `render_template` does (its context processors: request,
    g, url_for …), in the console's environment."""
    current_app.update_template_context(context)
    return environment().get_template(template).render(context)
