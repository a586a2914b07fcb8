"""The console's English: every text a console template writes has its English, with the same
placeholders; the switch falls back to Chinese for anything else."""

import re
import string
from pathlib import Path

from backend.console import language

TEMPLATES = Path(language.__file__).parent / "templates" / "console"
LITERAL = re.compile(r'\bt\("((?:[^"\\]|\\.)*)"')


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_template_text_has_its_english():
    written = {m.group(1) for path in TEMPLATES.glob("*.html") for m in LITERAL.finditer(path.read_text("utf-8"))}
    assert len(written) > 300
    missing = sorted(text for text in written if text not in language.english())
    assert missing == []


def test_each_english_fills_the_same_places():
    wrong = {zh: en for zh, en in language.english().items() if _placeholders(zh) != _placeholders(en)}
    assert wrong == {}


def test_chinese_unless_english_was_chosen(app):
    with app.test_request_context("/console/"):
        assert language.language() == "zh" and str(language.t("共 {0} 件", 3)) == "共 3 件"
    with app.test_request_context("/console/", headers={"Cookie": f"{language.LANGUAGE_COOKIE}=en"}):
        assert language.language() == "en" and str(language.t("共 {0} 件", 3)) == "3 in all"
        assert str(language.t("{0}年{1}月{2}日", 2026, 3, 7)) == "2026-03-07"
        assert str(language.t("下载 {0}", "<b>x</b>")) == "Download &lt;b&gt;x&lt;/b&gt;"  # values escaped
        assert str(language.t("没有这句")) == "没有这句"  # not in the catalogue: as written
    with app.test_request_context("/console/", headers={"Cookie": f"{language.LANGUAGE_COOKIE}=fr"}):
        assert language.language() == "zh"
