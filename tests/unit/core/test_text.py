"""Every message a service writes for people is a `Text` with a Chinese template in the catalogue,
and renders in either language with the same values."""

import ast
import importlib
import inspect
import pickle
import pkgutil
from datetime import datetime
from pathlib import Path

import pytest

import backend
import miniprogram_api
import public_lookup
from backend.core.errors import DomainError
from backend.core.text import Items, State, Text, Word, catalogue, placeholders

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = (backend, miniprogram_api, public_lookup)


def _sources():
    for package in PACKAGES:
        yield from sorted(Path(package.__path__[0]).rglob("*.py"))


def _domain_error_names() -> set[str]:
    names = {"ValidationError", "UnknownDistrict"}
    for package in PACKAGES:
        for module_info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if module_info.name.startswith("backend.devtools"):
                continue
            module = importlib.import_module(module_info.name)
            names |= {
                name
                for name, value in vars(module).items()
                if inspect.isclass(value) and issubclass(value, DomainError)
            }
    return names


def _is_literal(node) -> bool:
    if isinstance(node, ast.BinOp):  # "…" + ", ".join(…)
        return _is_literal(node.left) or _is_literal(node.right)
    if isinstance(node, ast.IfExp):
        return _is_literal(node.body) or _is_literal(node.orelse)
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _reasons_in(node):
    """The reasons in an `errors` value: list items, at any depth of dicts and comprehensions."""
    if isinstance(node, (ast.List, ast.Tuple)):
        yield from node.elts
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _reasons_in(value)
    elif isinstance(node, ast.DictComp):
        yield from _reasons_in(node.value)
    elif _is_literal(node):
        yield node


def _error_target(node) -> bool:
    """`errors[...]`, `problems[...]`, `errors.setdefault(...)[...]`: a place reasons are put."""
    while isinstance(node, (ast.Subscript, ast.Call, ast.Attribute)):
        node = node.value if not isinstance(node, ast.Call) else node.func
    return isinstance(node, ast.Name) and ("errors" in node.id or "problems" in node.id)


def _messages_given(node, error_names: set[str]):
    """The expressions handed over as words for people: an error's message and field reasons (at any
    depth), `abort`'s and `error_response`'s message, `change_state`'s conflict message, a row's
    reason, any `message=` (kept with a record), reasons put into an `errors` dict."""
    if isinstance(node, ast.Assign) and any(
        isinstance(target, ast.Subscript) and _error_target(target) for target in node.targets
    ):
        yield from _reasons_in(node.value)
        return
    if not isinstance(node, ast.Call):
        return
    name = getattr(node.func, "id", getattr(node.func, "attr", ""))
    if name == "RowError":
        yield from node.args[2:3]
    if name in ("error_response", "abort"):
        yield from node.args[1:2]
    if name in error_names:
        yield from node.args[:1]
    for keyword in node.keywords:
        if keyword.arg in ("message", "conflict_message"):
            yield keyword.value
        if keyword.arg == "errors" and name in error_names:
            yield from _reasons_in(keyword.value)


def _constants_passed_as(argument: str) -> set:
    """Every constant the code passes as keyword `argument` of any call."""
    return {
        keyword.value.value
        for path in _sources()
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == argument and isinstance(keyword.value, ast.Constant)
    }


def _text_templates():
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) in {"Text", "Message"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                yield path.relative_to(ROOT), node.lineno, node.args[0].value


def test_no_message_for_people_is_a_bare_string():
    error_names = _domain_error_names()
    bare = [
        f"{path.relative_to(ROOT)}:{given.lineno}"
        for path in _sources()
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        for given in _messages_given(node, error_names)
        if _is_literal(given)
    ]
    assert not bare, "wrap these messages in backend.core.text.Text and translate them in texts.json: " + " ".join(bare)


def test_every_reason_a_validator_gives_has_a_chinese_pattern():
    # marshmallow formats a validator's `error` with str.format, which makes a Text a plain str again:
    # these are translated by pattern (backend.web.messages)
    from backend.web.messages import reason_in_chinese

    reasons = _constants_passed_as("error")
    assert len(reasons) >= 10
    assert sorted(reason for reason in reasons if reason_in_chinese(reason) == reason) == []


def test_every_text_has_a_chinese_template_with_the_same_values():
    texts = catalogue()["texts"]
    found = list(_text_templates())
    assert len(found) > 150
    missing = [f"{path}:{line}: {template}" for path, line, template in found if template not in texts]
    assert missing == []
    wrong = [template for _, _, template in found if not placeholders(texts[template]) <= placeholders(template)]
    assert wrong == []
    untranslated = [template for _, _, template in found if texts[template] == template]
    assert untranslated == []


def test_the_catalogue_keeps_no_template_the_code_no_longer_uses():
    used = {template for _, _, template in _text_templates()}
    assert sorted(set(catalogue()["texts"]) - used) == []


def test_a_text_is_its_english_sentence_and_renders_in_chinese_with_the_same_values():
    message = Text("At most {max_photos} photos.", max_photos=9)
    assert message == "At most 9 photos." and isinstance(message, str)
    assert message.render("en") == "At most 9 photos."
    assert message.render("zh") == "最多 9 张照片。"


def test_states_and_words_are_named_in_chinese_by_their_record():
    message = Text(
        "Cannot {action} this {target}: it is {state}; reload it and try again.",
        action="ship",
        target=Word("order"),
        state=State("order", "accepted"),
    )
    assert message == "Cannot ship this order: it is accepted; reload it and try again."
    assert message.render("zh") == "该订单当前为“已接单”，不能进行此操作；请刷新后重试。"
    assert State("lot", "accepted").render("zh") == "已验收"
    assert State("staff", "some_future_state").render("zh") == "some_future_state"


def test_format_specs_apply_in_both_languages():
    deadline = datetime(2027, 1, 4, 17, 30)
    message = Text("The time to request a re-test ended at {deadline:%Y-%m-%d %H:%M}.", deadline=deadline)
    assert message == "The time to request a re-test ended at 2027-01-04 17:30."
    assert message.render("zh") == "申请复检的期限已于 2027-01-04 17:30 截止。"


@pytest.mark.parametrize(
    "message",
    [
        Text("One of {items}.", items="a, b"),
        State("order", "shipped"),
        Word("order"),
        Text("Required."),
        Items([("a1", "晨检"), "b2"]),
    ],
)
def test_a_text_survives_pickling_as_itself(message):
    # job payloads (RQ) and cached errors are pickled: the template and values must come back
    copy = pickle.loads(pickle.dumps(message))
    assert type(copy) is type(message) and copy == message and copy.render("zh") == message.render("zh")


def test_a_list_shows_ten_entries_by_their_label_and_says_how_many_more():
    entries = [(f"c{n:02}", f"检查项{n}") for n in range(13)]
    message = Text("Missing: {items}", items=Items(entries))
    assert str(message) == "Missing: " + ", ".join(f"c{n:02}" for n in range(10)) + " and 3 more"
    chinese = Items(entries).render("zh")
    assert chinese.startswith("c00（检查项0）、c01（检查项1）") and "c10" not in chinese
    assert chinese.endswith("，另有 3 项未列出（共 13 项）")
    assert Items(["x", "y"]).render("zh") == "x、y" and Items([("k", "长" * 40)]).render("zh") == f"k（{'长' * 23}…）"


def test_a_message_kept_with_a_record_is_stored_in_both_languages_and_read_in_the_current_one():
    from contextvars import copy_context

    from backend.core.text import in_both_languages, stored, use_language

    kept = in_both_languages("message", Text("Lot {trace_code} was checked already.", trace_code="ABCDEFGH2345"))
    assert kept == {"message": "Lot ABCDEFGH2345 was checked already.", "message_zh": "批次 ABCDEFGH2345 已查验过。"}

    def read(language, record):
        use_language(language)
        return stored(record, "message")

    assert copy_context().run(read, "zh", kept) == "批次 ABCDEFGH2345 已查验过。"
    assert copy_context().run(read, "en", kept) == "Lot ABCDEFGH2345 was checked already."
    assert copy_context().run(read, "fr", kept) == "批次 ABCDEFGH2345 已查验过。"  # unknown: the default
    assert copy_context().run(read, "zh", {"message": "from before"}) == "from before"
    assert in_both_languages("reason", "as typed") == {"reason": "as typed", "reason_zh": "as typed"}


def test_every_kind_of_record_a_state_change_names_has_a_chinese_word():
    kinds = _constants_passed_as("target_type")
    assert len(kinds) > 20
    assert sorted(kinds - set(catalogue()["words"])) == []


def test_every_state_a_record_can_be_in_has_a_chinese_label():
    from mongoengine import Document

    statuses = set()
    for module_info in pkgutil.walk_packages(backend.__path__, "backend."):
        if module_info.name.endswith(".models"):
            for value in vars(importlib.import_module(module_info.name)).values():
                if inspect.isclass(value) and issubclass(value, Document) and "status" in getattr(value, "_fields", {}):
                    statuses |= set(value._fields["status"].choices or ())
    assert len(statuses) > 30
    labelled = {key.rsplit(".", 1)[-1] for key in catalogue()["states"]}
    assert sorted(statuses - labelled) == []


def test_every_error_has_its_default_words_in_both_languages():
    import re

    from backend.web.messages import catalogue as error_catalogue

    messages = error_catalogue()
    chinese = re.compile(r"[\u4e00-\u9fff]")
    errors = {
        value
        for package in PACKAGES
        for module_info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
        if not module_info.name.startswith("backend.devtools")
        for value in vars(importlib.import_module(module_info.name)).values()
        if inspect.isclass(value) and issubclass(value, DomainError) and value is not DomainError
    }
    assert len(errors) > 40
    for error in errors:
        code = error.error_code()
        entry = messages.get(code) or messages.get(code.rsplit(".", 1)[-1])
        assert entry is not None, code
        assert entry["en"] == error.default_message and not chinese.search(entry["en"]), code
        assert chinese.search(entry["zh"]), code
