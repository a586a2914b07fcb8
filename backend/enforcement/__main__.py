"""`python -m backend.enforcement sweep`: the daily run — leads for recalled lots not confirmed in time,
credit classes re-examined (each once, however often run)."""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend.enforcement")
    parser.add_argument("command", choices=["sweep"])
    parser.parse_args(argv)
    from backend.core import context
    from backend.enforcement.services import sweep

    with context.use(context.from_environment()):
        run = sweep()
    print(json.dumps(run, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
