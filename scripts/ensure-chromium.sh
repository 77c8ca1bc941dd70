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

# Without Chromium the browser tests are skipped with a warning, except under CI (CI=true, as CI
# services set it), where a run that drove no browser must not pass: then this script fails, and so
# does `npm test` (its pretest).
case "${CI:-}" in ""|false|FALSE|0) ci=0 ;; *) ci=1 ;; esac
give_up() {
  if [ "$ci" = 1 ]; then
    echo "error: $1; CI is set, so the browser tests may not be skipped" >&2
    exit 1
  fi
  echo "warning: $1; the browser tests (test/console*.test.ts) will be skipped" >&2
  exit 0
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || give_up "cannot install ${missing[*]}: not root and no sudo"
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update || give_up "apt-get update failed"
$SUDO apt-get install -y --no-install-recommends "${missing[@]:-chromium}" || give_up "could not install ${missing[*]}"

"$CHROMIUM" --version || give_up "$CHROMIUM does not run"
