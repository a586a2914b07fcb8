"""`python -m backend.indicators monthly`: the daily run — on the first working day of a month, the
periods that closed are recomputed and every county's report of the last month is queued (any other
day, nothing)."""

from __future__ import annotations

import sys

from backend.core import commands


def main(argv: list[str] | None = None) -> int:
    return commands.run(
        argv, prog="python -m backend.indicators", command="monthly", target="backend.indicators.reports:monthly"
    )


if __name__ == "__main__":
    sys.exit(main())
