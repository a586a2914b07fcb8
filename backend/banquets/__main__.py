"""`python -m backend.banquets sweep`: the daily run — the chef or official who guides a banquet
tomorrow reminded (each once, however often run)."""

from __future__ import annotations

import sys

from backend.core import commands


def main(argv: list[str] | None = None) -> int:
    return commands.run(
        argv, prog="python -m backend.banquets", command="sweep", target="backend.banquets.services:sweep"
    )


if __name__ == "__main__":
    sys.exit(main())
