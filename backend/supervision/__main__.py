"""`python -m backend.supervision sweep`: the daily run — this quarter's supervision tasks made,
officials reminded of tasks due and overdue (each once, however often run)."""

from __future__ import annotations

import sys

from backend.core import commands


def main(argv: list[str] | None = None) -> int:
    return commands.run(
        argv, prog="python -m backend.supervision", command="sweep", target="backend.supervision.services:sweep"
    )


if __name__ == "__main__":
    sys.exit(main())
