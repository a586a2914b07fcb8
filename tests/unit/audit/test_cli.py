import json

from backend.audit.__main__ import main


def test_verify_command_prints_the_report(redis_server, monkeypatch, capsys):
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    monkeypatch.setenv("LOG_LEVEL", "ERROR")
    monkeypatch.delenv("MONGODB_URI", raising=False)
    assert main(["verify"]) == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "checked": 0, "first_broken_seq": None, "reason": None}
