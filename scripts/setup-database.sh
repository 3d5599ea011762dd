#!/usr/bin/env bash
# Installs the embedded database: PostgreSQL 15 with the DocumentDB extension (and pg_cron and pgvector, which it
# requires), and FerretDB v2.7.0 into .tools/bin. Idempotent: each piece is checked by version and skipped when it is
# already there, so a second run takes a second.
#
#   Debian packages   apt-get, as root (or through sudo)
#   extensions        built from the vendored sources (../shared/vendor, or $TRIBUTARY_VENDOR_DIR; fetched from
#                     GitHub at the pinned commit where neither has them), checked by sha256, installed into the
#                     system PostgreSQL's directories (root)
#   FerretDB          `go build` from the Go module proxy into .tools/bin (no root)
#
# The cluster itself is created by the app on first start (src/db/embedded-database.ts), under ./data.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_MAJOR=15
PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config"
FERRETDB_VERSION="v2.7.0"
FERRETDB_MODULE="github.com/FerretDB/FerretDB/v2"
FERRETDB_BIN="$ROOT/.tools/bin/ferretdb"
VENDOR_DIR="${TRIBUTARY_VENDOR_DIR:-$ROOT/../shared/vendor}"

# name | version the control file / library must report | archive | sha256 | upstream archive URL
DOCUMENTDB=(documentdb "0.107-0" documentdb-0.107-ferretdb-3f80da90.tar.gz
  9f7b8afc0ad0eb61ec13601045a8334146f016b94fb1edba3e50e819cbbffa62
  https://github.com/FerretDB/documentdb/archive/3f80da90.tar.gz)
PG_CRON=(pg_cron "1.6" pg_cron-1.6.3.tar.gz
  3580f4034021e62e459f9f7ab1f625774bfc534a9256844545da85d6f99c2f5b
  https://github.com/citusdata/pg_cron/archive/refs/tags/v1.6.3.tar.gz)
PGVECTOR=(vector "0.8.0" pgvector-0.8.0.tar.gz
  93df40ccdaaaa267d1275c1e6e773004a0e5ff8e14227934a4ec7e8205d0f608
  https://github.com/pgvector/pgvector/archive/refs/tags/v0.8.0.tar.gz)

PACKAGES=(build-essential pkg-config postgresql-$PG_MAJOR postgresql-contrib postgresql-server-dev-$PG_MAJOR
  postgresql-$PG_MAJOR-rum postgresql-$PG_MAJOR-postgis-3 libbson-dev libpcre2-dev libintelrdfpmath-dev libkrb5-dev)

say() { echo "setup: $*"; }
fail() {
  echo "setup: error: $1" >&2
  exit 1
}
# What cannot be done on this machine at all: say so, and name the ways to run without the embedded database.
unsupported() {
  echo "setup: error: $1" >&2
  cat >&2 <<'EOF'
setup: The embedded database needs root on a Debian-like machine (apt-get) to install PostgreSQL's extensions.
setup: Elsewhere, run Tributary on another database:
setup:   - MONGODB_URI=mongodb://… (MongoDB >= 6 or Atlas), or
setup:   - Docker: `docker run -p 27017:27017 ghcr.io/ferretdb/ferretdb-eval:2` (FerretDB with PostgreSQL+DocumentDB)
setup:     or `docker run -p 27017:27017 mongo:7`, then MONGODB_URI=mongodb://127.0.0.1:27017/tributary
EOF
  exit 1
}

as_root=()
if [ "$(id -u)" -ne 0 ]; then command -v sudo >/dev/null && sudo -n true 2>/dev/null && as_root=(sudo -n); fi
can_be_root() { [ "$(id -u)" -eq 0 ] || [ ${#as_root[@]} -gt 0 ]; }

# --- Debian packages --------------------------------------------------------------------------------------------
missing_packages() {
  local package
  for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || echo "$package"
  done
}

install_packages() {
  command -v dpkg-query >/dev/null || unsupported "this is not a Debian-like machine (no dpkg)."
  local missing
  missing=$(missing_packages)
  # Debian's pg_cron 1.4 is too old for DocumentDB ("invalid schedule: 2 seconds"); ours is built below.
  if dpkg-query -W -f='${Status}' "postgresql-$PG_MAJOR-cron" 2>/dev/null | grep -q "install ok installed"; then
    can_be_root || unsupported "postgresql-$PG_MAJOR-cron (Debian's pg_cron 1.4, too old for DocumentDB) must be removed as root."
    say "removing Debian's pg_cron 1.4 (DocumentDB needs 1.6, built below)"
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get remove -y -qq "postgresql-$PG_MAJOR-cron" >/dev/null
  fi
  [ -z "$missing" ] && return 0
  can_be_root || unsupported "missing Debian packages: $(echo $missing) (install them as root: apt-get install $(echo $missing))."
  command -v apt-get >/dev/null || unsupported "missing packages and no apt-get: $(echo $missing)."
  say "installing Debian packages: $(echo $missing) (a minute or two)"
  "${as_root[@]}" apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# --- extensions ------------------------------------------------------------------------------------------------
installed_extension_version() { # name → default_version of its control file, empty when absent
  local control
  control="$("$PG_CONFIG" --sharedir)/extension/$1.control"
  [ -f "$control" ] && sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$control"
}

build_dir=""
ferretdb_build=""
cleanup() {
  [ -n "$ferretdb_build" ] && kill "$ferretdb_build" 2>/dev/null
  [ -n "$build_dir" ] && rm -rf "$build_dir"
  return 0
}
trap cleanup EXIT

unpack() { # archive sha256 url → prints the unpacked source directory
  local archive=$1 sha=$2 url=$3 file
  file="$VENDOR_DIR/$archive"
  if [ ! -f "$file" ]; then
    file="$build_dir/$archive"
    say "fetching $url (no $archive in $VENDOR_DIR)" >&2
    curl -fsSL "$url" -o "$file" || fail "could not fetch $url; put $archive in $VENDOR_DIR (or set TRIBUTARY_VENDOR_DIR)."
  fi
  echo "$sha  $file" | sha256sum -c --quiet - >&2 || fail "$file does not match its sha256 ($sha)."
  local into="$build_dir/src-${archive%.tar.gz}"
  mkdir -p "$into"
  tar -xzf "$file" -C "$into" --strip-components=1
  echo "$into"
}

make_install() { # source dir, then extra make arguments
  local dir=$1
  shift
  # with_llvm=no: the bitcode step ignores COPT (and building without it halves the time).
  make -s -C "$dir" -j"$(nproc)" PG_CONFIG="$PG_CONFIG" with_llvm=no "$@" >"$build_dir/make.log" 2>&1 ||
    { tail -n 40 "$build_dir/make.log" >&2; fail "building $(basename "$dir") failed (log above)."; }
  "${as_root[@]}" make -s -C "$dir" PG_CONFIG="$PG_CONFIG" with_llvm=no "$@" install >"$build_dir/make.log" 2>&1 ||
    { tail -n 40 "$build_dir/make.log" >&2; fail "installing $(basename "$dir") failed (log above)."; }
}

install_extension() { # the array's name
  local -n spec=$1
  local name=${spec[0]} version=${spec[1]}
  if [ "$(installed_extension_version "$name")" = "$version" ]; then return 0; fi
  can_be_root || unsupported "the PostgreSQL extension $name $version is not installed; installing it needs root."
  [ -n "$build_dir" ] || build_dir="$(mktemp -d)"
  say "building the PostgreSQL extension $name $version"
  local src
  src=$(unpack "${spec[2]}" "${spec[3]}" "${spec[4]}")
  if [ "$name" = documentdb ]; then
    # Debian's libintelrdfpmath-dev ships no pkg-config file under the name DocumentDB asks for.
    local pc="$build_dir/pkgconfig" multiarch
    multiarch=$(gcc -print-multiarch)
    mkdir -p "$pc"
    printf 'Name: intelmathlib\nDescription: Intel decimal floating-point math library\nVersion: 2.0\nCflags: -I/usr/include/intelrdfpmath\nLibs: -L/usr/lib/%s -lbidgcc000\n' \
      "$multiarch" >"$pc/intelmathlib.pc"
    # Debian's libbson 1.23 predates BSON_SUBTYPE_SENSITIVE.
    local copt="-DBSON_SUBTYPE_SENSITIVE=0x08 -Wno-error=switch"
    PKG_CONFIG_PATH="$pc" make_install "$src/pg_documentdb_core" COPT="$copt"
    PKG_CONFIG_PATH="$pc" make_install "$src/pg_documentdb" COPT="$copt"
  else
    make_install "$src"
  fi
  [ "$(installed_extension_version "$name")" = "$version" ] || fail "$name was built but PostgreSQL does not report version $version."
}

# --- FerretDB ----------------------------------------------------------------------------------------------------
ferretdb_version() { "$FERRETDB_BIN" --version 2>/dev/null | sed -n 's/^version: //p'; }

install_ferretdb() {
  [ -x "$FERRETDB_BIN" ] && [ "$(ferretdb_version)" = "$FERRETDB_VERSION" ] && return 0
  command -v go >/dev/null || fail "Go >= 1.25 is needed to build FerretDB $FERRETDB_VERSION."
  local minor
  minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
  [ "${minor:-0}" -ge 25 ] || fail "FerretDB $FERRETDB_VERSION needs Go >= 1.25; found $(go env GOVERSION)."
  say "building FerretDB $FERRETDB_VERSION from the Go module proxy (a few minutes the first time)"
  mkdir -p "$(dirname "$FERRETDB_BIN")"
  GOBIN="$(dirname "$FERRETDB_BIN")" go install -trimpath "$FERRETDB_MODULE/cmd/ferretdb@$FERRETDB_VERSION"
  [ "$(ferretdb_version)" = "$FERRETDB_VERSION" ] ||
    fail "the built FerretDB reports version '$(ferretdb_version)', expected $FERRETDB_VERSION."
}

# --if-embedded (npm start): with MONGODB_URI, in the environment or .env, the app never starts the embedded database.
if [ "${1:-}" = "--if-embedded" ] && { [ -n "${MONGODB_URI:-}" ] || grep -qsE '^MONGODB_URI=.+' "$ROOT/.env"; }; then
  say "MONGODB_URI is set: the embedded database is not needed"
  exit 0
fi

# FerretDB builds without root while the packages and extensions install, so the first setup takes the longer of the two.
install_ferretdb &
ferretdb_build=$!
install_packages
install_extension PG_CRON
install_extension PGVECTOR
install_extension DOCUMENTDB
wait "$ferretdb_build" || fail "building FerretDB failed (output above)."
ferretdb_build=""
say "embedded database ready: PostgreSQL $PG_MAJOR with DocumentDB ${DOCUMENTDB[1]}, FerretDB $FERRETDB_VERSION"
