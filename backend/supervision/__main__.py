"""`python -m backend.supervision sweep`: the daily run — this quarter's supervision tasks made,
officials reminded of tasks due and overdue (each once, however often run)."""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend.supervision")
    parser.add_argument("command", choices=["sweep"])
    parser.parse_args(argv)
    from backend.core import context
    from backend.supervision.services import sweep

    with context.use(context.from_environment()):
        run = sweep()
    print(json.dumps(run, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
