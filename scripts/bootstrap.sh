# Sourced by scripts/run and scripts/test: make .venv with the project installed (idempotent).
# $1: the pip extra to install ("" or "test").
set -euo pipefail
extra="${1:-}"
PYTHON="${PYTHON:-python3}"

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi
if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
  else
    echo "The venv module is missing: sudo apt-get install python3-venv" >&2
    exit 1
  fi
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv

# Reinstall only when the project's dependencies changed.
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-${extra:-base}"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  if [ -n "$extra" ]; then
    .venv/bin/python -m pip install -q -e ".[$extra]"
  else
    .venv/bin/python -m pip install -q -e .
  fi
  touch "$stamp"
fi

# The console's front-end libraries (htmx) from the npm registry, pinned by package-lock.json and
# copied where the platform serves them itself: government intranets have no CDN. Every console task
# works without them; the test command needs them (a browser test checks the partial updates).
vendor="backend/console/static/vendor"
vendor_stamp="$vendor/.installed-$(sha256sum package-lock.json | cut -c1-16)"
if [ ! -f "$vendor_stamp" ]; then
  if ! command -v npm >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
  fi
  if command -v npm >/dev/null; then
    npm ci --no-audit --no-fund --silent
    mkdir -p "$vendor" && rm -f "$vendor"/.installed-*
    cp node_modules/htmx.org/dist/htmx.min.js "$vendor/htmx.min.js"
    touch "$vendor_stamp"
  elif [ "$extra" = "test" ]; then
    echo "npm is needed to install the console's front-end libraries: sudo apt-get install npm" >&2
    exit 1
  else
    echo "npm not found: the console works without htmx (no partial updates)." >&2
  fi
fi
