#!/usr/bin/env bash
# Provides the Temporal CLI and FerretDB binaries, built once with Go into a cache keyed by
# version (outside git) and reused after. Prints the two paths.
# Usage: scripts/tools.sh [temporal|ferretdb]   (no argument: both)
set -euo pipefail

TEMPORAL_VERSION=v1.5.1
FERRETDB_VERSION=v1.24.2
CACHE_DIR="${SMS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sms-channel/tools}"

need_go() { # name version dir
  command -v go >/dev/null 2>&1 && return
  cat >&2 <<MSG
error: Go is not installed, so $1 $2 cannot be built.
  Install Go 1.25 or later (https://go.dev/dl/ or your package manager) and run this again, or
  put a prebuilt binary at $3/$1, or point the platform at running servers instead:
  TEMPORAL_ADDRESS=host:7233 and MONGODB_URI=mongodb://host:27017/sms (then nothing is built).
MSG
  exit 3
}

build() { # name module version
  local name=$1 module=$2 version=$3
  local dir="$CACHE_DIR/$name-$version"
  if [ -x "$dir/$name" ]; then echo "$dir/$name"; return; fi
  need_go "$name" "$version" "$dir"
  echo "building $name $version with go install (first time only, takes minutes)..." >&2
  mkdir -p "$dir"
  local tmp; tmp=$(mktemp -d "$CACHE_DIR/.build-$name.XXXXXX")
  # CGO off: both are pure Go, and a static binary survives a changed libc.
  if ! CGO_ENABLED=0 GOBIN="$tmp" GOFLAGS=-mod=mod go install "$module@$version" >&2; then
    rm -rf "$tmp"; echo "error: go install $module@$version failed (see above)" >&2; exit 4
  fi
  mv "$tmp/$name" "$dir/$name"; rm -rf "$tmp"
  echo "$dir/$name"
}

# FerretDB embeds build/version/version.txt, which `go install` from the module proxy lacks (the
# binary then panics at start). Build it from the module's own source with that file written, and
# with our fixes applied: scripts/ferretdb/*.patch, in order, each saying what it fixes and why
# (its `_id` index in use; MongoDB's single-document atomicity for updates and deletes). The cache
# key names the fixes and a hash of the patches, so an unfixed or older build is never reused.
FERRETDB_PATCHES="$(cd "$(dirname "$0")" && pwd)/ferretdb"
build_ferretdb() {
  local version=$FERRETDB_VERSION patches=("$FERRETDB_PATCHES"/*.patch)
  local key; key=$(cat "${patches[@]}" | sha256sum | cut -c1-8)
  local dir="$CACHE_DIR/ferretdb-$version-idindex-atomic-$key"
  if [ -x "$dir/ferretdb" ]; then echo "$dir/ferretdb"; return; fi
  need_go ferretdb "$version" "$dir"
  echo "building ferretdb $version from its module source (first time only, takes minutes)..." >&2
  mkdir -p "$dir"
  local src; src=$(CGO_ENABLED=0 go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || { echo "error: go mod download github.com/FerretDB/FerretDB@$version failed" >&2; exit 4; }
  local tmp; tmp=$(mktemp -d "$CACHE_DIR/.build-ferretdb.XXXXXX")
  cp -r "$src/." "$tmp/src"; chmod -R u+w "$tmp/src"
  echo "$version" > "$tmp/src/build/version/version.txt"
  local patch
  for patch in "${patches[@]}"; do
    if ! (cd "$tmp/src" && patch --quiet --forward -p1 < "$patch" >&2); then
      rm -rf "$tmp"; echo "error: could not apply $patch to ferretdb $version" >&2; exit 4
    fi
  done
  if ! (cd "$tmp/src" && CGO_ENABLED=0 go build -trimpath -o "$tmp/ferretdb" ./cmd/ferretdb >&2); then
    rm -rf "$tmp"; echo "error: building ferretdb $version failed (see above)" >&2; exit 4
  fi
  mv "$tmp/ferretdb" "$dir/ferretdb"; rm -rf "$tmp"
  echo "$dir/ferretdb"
}

what=${1:-all}
case "$what" in
  temporal) build temporal github.com/temporalio/cli/cmd/temporal "$TEMPORAL_VERSION" ;;
  ferretdb) build_ferretdb ;;
  all)
    build temporal github.com/temporalio/cli/cmd/temporal "$TEMPORAL_VERSION"
    build_ferretdb ;;
  *) echo "usage: $0 [temporal|ferretdb]" >&2; exit 2 ;;
esac
