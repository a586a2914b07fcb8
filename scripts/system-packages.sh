# Sourced by scripts/run and scripts/test with `required` set to "check:package" pairs, where check is
# a command name or an absolute path. Missing packages are installed when we are root (CI is);
# otherwise the command to run is printed. With SYSTEM_PACKAGES_OPTIONAL=1 a failure only warns.
needed=()
for pair in "${required[@]}"; do
  check="${pair%%:*}"; package="${pair##*:}"
  if [[ "$check" == /* ]]; then [ -e "$check" ] && continue; else command -v "$check" >/dev/null 2>&1 && continue; fi
  needed+=("$package")
done
if [ "${#needed[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing system packages: ${needed[*]}" >&2
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null; }; then
      [ "${SYSTEM_PACKAGES_OPTIONAL:-0}" = 1 ] || exit 1
      echo "Could not install ${needed[*]}; continuing without them." >&2
    fi
  elif [ "${SYSTEM_PACKAGES_OPTIONAL:-0}" = 1 ]; then
    echo "Optional: sudo apt-get install ${needed[*]}" >&2
  else
    echo "Install the test tools first: sudo apt-get install ${needed[*]}" >&2
    exit 1
  fi
fi
