# Sourced by scripts/test: Debian packages the tests drive as real peers. Installed when missing and
# we are root (CI is); otherwise the command to run is printed.
# command:package pairs
required=()
needed=()
for pair in "${required[@]}"; do
  tool="${pair%%:*}"; package="${pair##*:}"
  command -v "$tool" >/dev/null 2>&1 || needed+=("$package")
done
if [ "${#needed[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
  else
    echo "Install the test tools first: sudo apt-get install ${needed[*]}" >&2
    exit 1
  fi
fi
