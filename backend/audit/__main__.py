"""`python -m backend.audit verify`: verify the audit chain of the store configured in the environment."""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend.audit")
    parser.add_argument("command", choices=["verify"])
    parser.parse_args(argv)
    from backend.audit.services import verify_chain
    from backend.core import context

    with context.use(context.from_environment()):
        report = verify_chain()
    print(json.dumps(report.as_dict(), ensure_ascii=False))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
