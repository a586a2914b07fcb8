"""`python -m backend.sampling import`: the same import as the job, with a progress bar."""

import json

from backend.accounts.models import User
from backend.core import context
from backend.sampling.__main__ import main
from backend.sampling.models import Sample
from tests.builders import regulator_of, result_csv, result_row


def test_the_command_imports_a_file_and_shows_progress(app_context, monkeypatch, tmp_path, capsys):
    runtime = context.current()
    monkeypatch.setattr(context, "from_environment", lambda: runtime)  # the test's stores, not the environment's
    regulator = User.objects.get(id=regulator_of("320682").user_id)
    path = tmp_path / "results.csv"
    path.write_bytes(result_csv([result_row("DC26320682000901"), result_row("DC26320682000902", verdict="不合格")]))

    assert main(["import", str(path), "--user", regulator.username]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["status"] == "done" and report["samples_created"] == 2 and report["cases_opened"] == 1
    assert "2/2" in captured.err  # the progress bar reached the end
    assert Sample.objects(sampling_number="DC26320682000902").first().verdict == "fail"


def test_the_command_refuses_an_unknown_user_and_a_bad_file(app_context, monkeypatch, tmp_path, capsys):
    runtime = context.current()
    monkeypatch.setattr(context, "from_environment", lambda: runtime)
    path = tmp_path / "results.csv"
    path.write_bytes("抽样编号,食品名称\nA1,米\n".encode())
    assert main(["import", str(path), "--user", "nobody"]) == 2
    regulator = User.objects.get(id=regulator_of("320682").user_id)
    assert main(["import", str(path), "--user", regulator.username]) == 1
    assert "lacks required columns" in capsys.readouterr().err
