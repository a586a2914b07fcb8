"""The words people read in error messages: Chinese by default, English when the client asks for it
(`Accept-Language: en`). The message each error gives by default is looked up by its stable error
code in `backend/core/data/messages.json` and the domains' own `data/messages.json` ({code: {"zh": …,
"en": …}}); a message a service wrote for the case at hand (naming the deadline, the state found) is a
`backend.core.text.Text`, rendered from the texts catalogue (`backend.core.text`). The reasons marshmallow gives for a refused field are translated by
pattern."""

from __future__ import annotations

import functools
import json
import re
from importlib import resources

from flask import has_request_context, request

from backend.core import domains
from backend.core.text import Text

DEFAULT_LANGUAGE = "zh"


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    """Core's error messages with each domain's `data/messages.json` laid over them."""
    core = json.loads(resources.files("backend.core").joinpath("data/messages.json").read_text("utf-8"))
    return domains.merged_data("messages.json", core)


def language() -> str:
    if not has_request_context():
        return DEFAULT_LANGUAGE
    best = request.accept_languages.best_match(["zh", "en"], default=DEFAULT_LANGUAGE)
    return "en" if best == "en" else "zh"


def localised(error_code: str, message: str | None, in_language: str | None = None) -> str | None:
    """The catalogue's words for this code in the client's language (or `in_language`: the console's
    pages are Chinese), when `message` is the code's default (or absent); otherwise the service's own
    message, in that language."""
    wanted = in_language or language()
    if isinstance(message, Text):
        return message.render(wanted)
    entry = catalogue().get(error_code) or catalogue().get(error_code.rsplit(".", 1)[-1])
    if entry is None:
        return message
    if message is not None and message not in entry.values() and message != entry.get("default"):
        return message
    return entry.get(wanted) or message


# The reasons marshmallow refuses fields for: pattern → Chinese (ours are Text). A reason with no
# pattern here is shown as written.
_REASONS = [
    (r"Missing data for required field\.", "必填。"),
    (r"Required\.?", "必填。"),
    (r"Field may not be null\.", "不能为空。"),
    (r"Unknown field\.", "不认识的字段。"),
    (r"Not a valid string\.", "应为文本。"),
    (r"Not a valid integer\.", "应为整数。"),
    (r"Not a valid number\.", "应为数字。"),
    (r"Not a valid boolean\.", "应为是或否。"),
    (r"Not a valid date\.", "日期格式不正确（例如 2026-12-03）。"),
    (r"Not a valid datetime\.", "时间格式不正确（ISO 8601，含时区）。"),
    (r"Not a valid list\.", "应为列表。"),
    (r"Invalid input type\.", "类型不正确。"),
    (r"Length must be between (\d+) and \1\.", r"应为 \1 个字符。"),
    (r"Length must be between (\d+) and (\d+)\.", r"长度应在 \1 到 \2 个字符之间。"),
    (r"Shorter than minimum length (\d+)\.", r"至少 \1 个字符。"),
    (r"Longer than maximum length (\d+)\.", r"至多 \1 个字符。"),
    (r"Must be one of: (.+)\.", r"应为以下之一：\1。"),
    (r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\.", r"应在 \1 到 \2 之间。"),
    (r"Must be greater than or equal to (\S+)\.", r"不能小于 \1。"),
    (r"Must be less than or equal to (\S+)\.", r"不能大于 \1。"),
    (r"String does not match expected pattern\.", "格式不正确。"),
    (r"A 12-character trace code\.", "应为 12 位追溯码。"),
    (r"A photo id from …/routine-photos\.", "应为 …/routine-photos 返回的照片编号。"),
    (r"A 24-hex-digit id\.", "应为 24 位十六进制编号。"),
    (r"More than 0, at most 1000000\.", "应大于 0，且不超过 1000000。"),
    (r"7-20 digits, spaces, \+ or -\.", "应为 7-20 位数字、空格、+ 或 -。"),
    (r"HH:MM, 24-hour\.", "应为 24 小时制的 HH:MM。"),
    (r"3-32 letters, digits, '_', '\.' or '-'\.", "应为 3-32 位字母、数字、“_”、“.”或“-”。"),
    (r"latitude,longitude", "应为“纬度,经度”。"),
    (r"YYYY-MM-DD or YYYY-MM-DD\.\.YYYY-MM-DD", "应为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD。"),
    (r"4–40 letters, digits or hyphens\.", "应为 4–40 位字母、数字或连字符。"),
    (r"A quarter like 2026-Q4\.", "应为季度，如 2026-Q4。"),
    (r"An 11-digit mobile number\.", "应为 11 位手机号码。"),
    (r"A month like 2026-11\.", "应为月份，如 2026-11。"),
]
_COMPILED = [(re.compile(f"^{pattern}$"), chinese) for pattern, chinese in _REASONS]


def reason(text: str) -> str:
    """One field's reason in the client's language."""
    if isinstance(text, Text):
        return text.render(language())
    if language() == "en" or not isinstance(text, str):
        return text
    return reason_in_chinese(text)


def reason_in_chinese(text: str) -> str:
    """For pages that are Chinese only (the complaint form)."""
    if isinstance(text, Text):
        return text.render("zh")
    for pattern, chinese in _COMPILED:
        if pattern.match(text):
            return pattern.sub(chinese, text)
    return text


def field_errors(errors):
    """`errors` ({"field": ["reason", …], "nested": {…}}) with each reason in the client's language."""
    if isinstance(errors, dict):
        return {key: field_errors(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [field_errors(value) for value in errors]
    return reason(errors)
