"""A schema fuzzer (schemathesis) over the whole API, as a citizen and as a regulator, on a small
budget: no 5xx, and every response's status, content type and body as the OpenAPI document says.
`bench/fuzz` runs the same with a larger budget and every phase."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def fuzz(url: str, token: str, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("schemathesis")),
            "run",
            f"{url}/api/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            CHECKS,
            "--phases",
            "fuzzing",
            "--max-examples",
            "4",
            "--seed",
            "20261202",  # the same cases on every run: a failure is reproducible
            "--workers",
            "2",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize("role", ["citizen", "regulator"])
def test_the_api_answers_as_its_document_says(live_server, mp_login, console_login, tmp_path, role):
    token = mp_login()["access_token"] if role == "citizen" else console_login("regulator", ("320682",))
    result = fuzz(live_server.url, token, tmp_path)
    summary = result.stdout[-3000:]
    assert result.returncode == 0, summary
    assert "passed" in summary and "failed" not in summary.split("Test cases:")[-1], summary
