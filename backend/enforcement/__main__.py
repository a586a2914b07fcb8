"""`python -m backend.enforcement sweep`: the daily run — leads for recalled lots not confirmed in time,
credit classes re-examined (each once, however often run)."""

from __future__ import annotations

import sys

from backend.core import commands


def main(argv: list[str] | None = None) -> int:
    return commands.run(
        argv, prog="python -m backend.enforcement", command="sweep", target="backend.enforcement.services:sweep"
    )


if __name__ == "__main__":
    sys.exit(main())
