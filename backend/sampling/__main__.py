"""`python -m backend.sampling import FILE --user NAME [--district CODE] [--mode whole|partial]`: import a
result file in this process with a progress bar (the same code the background job runs), against the
stores of the environment (`MONGODB_URI`, `REDIS_URL`; on the embedded default the data is gone when
the command ends, which suits a trial of a file)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend.sampling")
    sub = parser.add_subparsers(dest="command", required=True)
    imports = sub.add_parser("import", help="import a CSV or XLSX result file")
    imports.add_argument("file", type=Path)
    imports.add_argument("--user", required=True, help="the console user (regulator or admin) importing")
    imports.add_argument("--district", help="district of unregistered sampled units (GB/T 2260)")
    imports.add_argument("--mode", choices=("whole", "partial"), default="whole")
    arguments = parser.parse_args(argv)

    from tqdm import tqdm

    from backend.accounts.models import User
    from backend.core import context
    from backend.core.errors import DomainError
    from backend.core.principal import ADMIN, REGULATOR, Principal
    from backend.sampling import importing, services

    with context.use(context.from_environment()):
        user = User.objects(username=arguments.user, role__in=(REGULATOR, ADMIN), is_active=True).first()
        if user is None:
            print(f"No active regulator or admin named {arguments.user}.", file=sys.stderr)
            return 2
        principal = Principal(user_id=str(user.id), role=user.role, districts=tuple(user.districts or ()))
        try:
            record = services.start_import(
                principal,
                filename=arguments.file.name,
                data=arguments.file.read_bytes(),
                district=arguments.district,
                mode=arguments.mode,
                background=False,
            )
        except DomainError as error:
            print(json.dumps({"error": error.message, "errors": error.errors}, ensure_ascii=False), file=sys.stderr)
            return 1
        bars: dict[str, tqdm] = {}

        def watch(phase: str, rows: int, errors: int) -> None:
            bar = bars.get(phase)
            if bar is None:
                bar = bars[phase] = tqdm(total=record.rows_total, desc=phase, unit="row", file=sys.stderr)
            bar.update(rows - bar.n)
            bar.set_postfix(errors=errors)

        result = importing.run_import(str(record.id), watcher=watch)
        for bar in bars.values():
            bar.close()
    print(json.dumps({"import_id": str(record.id), **result}, ensure_ascii=False, default=str))
    return 0 if result.get("status") == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
