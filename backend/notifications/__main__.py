"""`python -m backend.notifications remind`: send the reminders due now (each once, however often run)."""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend.notifications")
    parser.add_argument("command", choices=["remind"])
    parser.parse_args(argv)
    from backend.core import context
    from backend.notifications.services import remind

    with context.use(context.from_environment()):
        run = remind()
    print(json.dumps(run.__dict__, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
