#!/usr/bin/env bash
# Installs the embedded database, FerretDB v1.24.2 (SQLite backend), into .tools/bin from the Go module proxy.
# Idempotent: does nothing when the right version is already there.
set -euo pipefail

VERSION="v1.24.2"
MODULE="github.com/FerretDB/FerretDB"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/bin/ferretdb"

installed_version() { "$BIN" --version 2>/dev/null | sed -n 's/^version: //p'; }

if [ -x "$BIN" ] && [ "$(installed_version)" = "$VERSION" ]; then
  echo "FerretDB $VERSION: already installed at .tools/bin/ferretdb"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "error: Go >= 1.24 is needed to build FerretDB $VERSION (https://go.dev/dl/)," >&2
  echo "       or set MONGODB_URI to run Tributary on a MongoDB server instead." >&2
  exit 1
fi
go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
if [ "${go_minor:-0}" -lt 24 ]; then
  echo "error: FerretDB $VERSION needs Go >= 1.24; found $(go env GOVERSION)." >&2
  exit 1
fi

echo "FerretDB $VERSION: building from the Go module proxy (about a minute the first time)…"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# `go install $MODULE/cmd/ferretdb@$VERSION` builds, but the binary panics at start: release builds embed
# build/version/version.txt, which the module zip leaves empty. So build from a writable copy of the module
# source with that file written, as FerretDB's own `task gen-version` does.
src="$(cd "$work" && go mod download -json "$MODULE@$VERSION" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s);if(m.Error){console.error(m.Error);process.exit(1)}console.log(m.Dir)})')"
cp -R "$src" "$work/ferretdb"
chmod -R u+w "$work/ferretdb"
echo "$VERSION" > "$work/ferretdb/build/version/version.txt"
mkdir -p "$(dirname "$BIN")"
(cd "$work/ferretdb" && go build -buildvcs=false -trimpath -o "$BIN.partial" ./cmd/ferretdb)
mv "$BIN.partial" "$BIN"
if [ "$(installed_version)" != "$VERSION" ]; then
  echo "error: the built FerretDB reports version '$(installed_version)', expected $VERSION" >&2
  exit 1
fi
echo "FerretDB $VERSION: installed at .tools/bin/ferretdb"
