#!/usr/bin/env bash
# The browser journeys drive Debian's Chromium (playwright cannot download browsers on these machines).
# The only thing `npm test` may install: Chromium with apt, when it is missing and we are root on Debian/Ubuntu.
set -euo pipefail
chromium=${E2E_CHROMIUM:-/usr/bin/chromium}
[[ -x $chromium ]] && exit 0
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "[streamplane] Installing Chromium for the browser journeys (apt-get install chromium)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "[streamplane] The browser journeys need Chromium at $chromium: run \`sudo apt-get install -y chromium\`" \
  "(or set E2E_CHROMIUM to a Chromium binary)." >&2
exit 1
