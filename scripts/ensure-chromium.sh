#!/usr/bin/env bash
# Makes sure Debian's Chromium (and fonts for readable screenshots, emoji included: the 💬 SMS icon)
# is present for the console's browser tests (test/console*.test.ts). playwright-core drives the
# system browser; Playwright's own browser download is never used (these machines have no internet).
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
PACKAGES=(chromium fonts-liberation fonts-noto-color-emoji)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ -x "$CHROMIUM" ] && [ ${#missing[@]} -eq 0 ]; then
  echo "chromium present: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]:-chromium}"

"$CHROMIUM" --version
