"""The daily commands cron runs (`python -m backend.<domain> <command>`): one way to parse the
command, load the settings and stores from the environment, run the domain's function and print what
it did as one JSON line — so each domain's `__main__` is one call."""

from __future__ import annotations

import argparse
import json
import sys


def run(argv: list[str] | None, *, prog: str, command: str, target: str) -> int:
    """`target` is the domain's `module:function`, called with no arguments; its result (a dict or a
    dataclass) is printed as JSON."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("command", choices=[command])
    parser.parse_args(argv)
    from backend.core import context, domains

    with context.use(context.from_environment()):
        result = domains.resolve(target)()
    print(json.dumps(result if isinstance(result, dict) else vars(result), ensure_ascii=False, default=str))
    sys.stdout.flush()
    return 0
