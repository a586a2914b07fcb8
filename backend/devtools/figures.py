"""The figures benches measure, kept as JSON in `bench/figures/<bench>.json` for `bench/capacity`, which
turns them into `docs/capacity.md`. Each file says when, on how many cores and against which store it
was measured, so a capacity table always names the machine its numbers came from."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[2] / "bench" / "figures"


def write(bench: str, figures: dict, folder: Path = FOLDER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{bench}.json"
    record = {
        "bench": bench,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "machine": platform.machine(),
        "store": "mongodb" if os.environ.get("MONGODB_URI") else "mongomock",
        "figures": figures,
    }
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def read(bench: str, folder: Path = FOLDER) -> dict | None:
    path = folder / f"{bench}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
