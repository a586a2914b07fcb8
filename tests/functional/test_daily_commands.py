"""The commands cron runs each day, as their own processes on the environment's settings and stores:
each exits 0 and prints what it did as one JSON line."""

import json
import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("module", "command", "keys"),
    [
        ("backend.notifications", "remind", {"certificate_messages", "daily_check_messages", "statuses"}),
        ("backend.enforcement", "sweep", {"leads_raised", "credit_classes_changed"}),
        ("backend.supervision", "sweep", {"tasks_created", "reminders_sent"}),
        ("backend.banquets", "sweep", {"guidance_reminders_sent"}),
        ("backend.indicators", "monthly", {"queued", "recomputed", "month"}),
    ],
)
def test_a_daily_command_runs_as_its_own_process(config, module, command, keys):
    given = {key: config.get(key) for key in ("MONGODB_URI", "REDIS_URL", "SECRET_KEY", "WECHAT_API_BASE")}
    env = {**os.environ, "APP_ENV": "test", **{key: value for key, value in given.items() if value}}
    done = subprocess.run(
        [sys.executable, "-m", module, command], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout.strip().splitlines()[-1])) == keys
    wrong = subprocess.run(
        [sys.executable, "-m", module, "nonsense"], env=env, capture_output=True, text=True, timeout=60
    )
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
