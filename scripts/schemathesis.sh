#!/usr/bin/env bash
# Provides schemathesis (PyPI), pinned, in a virtualenv cached outside git, and prints the path of
# its `st` command. Used by test/fuzz.test.ts; needs python3 with venv and pip (exit 3 without).
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5
CACHE_DIR="${SMS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sms-channel/tools}"
DIR="$CACHE_DIR/schemathesis-$SCHEMATHESIS_VERSION"

# The marker is written last: an interrupted install is redone, never half used.
if [ -f "$DIR/.installed" ]; then echo "$DIR/bin/st"; exit 0; fi
if ! command -v python3 >/dev/null 2>&1 || ! python3 -m venv --help >/dev/null 2>&1; then
  echo "error: python3 with venv is needed to install schemathesis $SCHEMATHESIS_VERSION" >&2
  exit 3
fi
echo "installing schemathesis $SCHEMATHESIS_VERSION with pip (first time only)..." >&2
rm -rf "$DIR"
python3 -m venv "$DIR" >&2
"$DIR/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
touch "$DIR/.installed"
echo "$DIR/bin/st"
