"""`python -m backend.notifications remind`: send the reminders due now (each once, however often run)."""

from __future__ import annotations

import sys

from backend.core import commands


def main(argv: list[str] | None = None) -> int:
    return commands.run(
        argv, prog="python -m backend.notifications", command="remind", target="backend.notifications.services:remind"
    )


if __name__ == "__main__":
    sys.exit(main())
