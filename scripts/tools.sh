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
# with one fix: its SQLite backend looks documents up by `_ferretdb_sjson->'$._id'` while their
# unique _id index is on `_ferretdb_sjson->"_id"`; SQLite matches index expressions by their text,
# so every find, update and delete by _id scanned the whole table (EXPLAIN QUERY PLAN: SCAN; an
# update by _id took 226 ms among 20,000 documents). Written as `->'_id'` (the same JSON path) it
# is a SEARCH USING INDEX. The cache key names the fix, so an unfixed build is never reused.
FERRETDB_FIX=idindex
build_ferretdb() {
  local version=$FERRETDB_VERSION dir="$CACHE_DIR/ferretdb-$FERRETDB_VERSION-$FERRETDB_FIX"
  if [ -x "$dir/ferretdb" ]; then echo "$dir/ferretdb"; return; fi
  need_go ferretdb "$version" "$dir"
  echo "building ferretdb $version from its module source (first time only, takes minutes)..." >&2
  mkdir -p "$dir"
  local src; src=$(CGO_ENABLED=0 go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || { echo "error: go mod download github.com/FerretDB/FerretDB@$version failed" >&2; exit 4; }
  local tmp; tmp=$(mktemp -d "$CACHE_DIR/.build-ferretdb.XXXXXX")
  cp -r "$src/." "$tmp/src"; chmod -R u+w "$tmp/src"
  echo "$version" > "$tmp/src/build/version/version.txt"
  local metadata="$tmp/src/internal/backends/sqlite/metadata/metadata.go"
  sed -i "s|IDColumn = DefaultColumn + \"->'\$._id'\"|IDColumn = DefaultColumn + \"->'_id'\"|" "$metadata"
  grep -q "IDColumn = DefaultColumn + \"->'_id'\"" "$metadata" || { rm -rf "$tmp"; echo "error: could not apply the _id index fix to $metadata" >&2; exit 4; }
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
