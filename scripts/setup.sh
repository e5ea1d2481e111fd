#!/usr/bin/env bash
# Installs what gdsweep needs on first use and is a no-op afterwards:
# the system libraries node-canvas builds against, Debian's chromium for the
# browser tests (--browser), the npm dependencies, and the build.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
check_only=0
for arg in "$@"; do
  [ "$arg" = "--browser" ] && want_browser=1
  # --check: print the system packages that are missing, one line, and stop (tests use it).
  [ "$arg" = "--check" ] && check_only=1
done
# Where headers are looked for; overridable so a test can play a machine without them.
include_dirs=${GDSWEEP_INCLUDE_DIRS:-/usr/include /usr/local/include}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "setup: need root (or sudo) to run: $*" >&2; exit 1; fi
}

apt_updated=0
apt_install() {
  if ! command -v apt-get >/dev/null; then
    echo "setup: missing system packages ($*) and no apt-get here; install them by hand" >&2
    exit 1
  fi
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# canvas's build (binding.gyp) compiles in GIF, JPEG and SVG support whenever
# it finds the runtime .so, which a new machine already has; it then needs the
# headers and pkg-config files of each. So decide from those, never from the .so.
has_header() {
  local h d found
  for h in "$@"; do
    found=0
    for d in $include_dirs; do
      if [ -f "$d/$h" ] || compgen -G "$d/*-linux-gnu/$h" >/dev/null; then found=1; break; fi
    done
    [ "$found" = 1 ] || return 1
  done
}
has_pc() { command -v pkg-config >/dev/null && pkg-config --exists "$@" 2>/dev/null; }

missing=()
{ command -v g++ >/dev/null && command -v make >/dev/null; } || missing+=(build-essential)
command -v python3 >/dev/null || missing+=(python3)
command -v pkg-config >/dev/null || missing+=(pkg-config)
has_pc cairo || missing+=(libcairo2-dev)
has_pc pixman-1 || missing+=(libpixman-1-dev)
has_pc pangocairo || missing+=(libpango1.0-dev)
has_pc librsvg-2.0 || missing+=(librsvg2-dev)
has_header jpeglib.h || missing+=(libjpeg-dev)
has_header gif_lib.h || missing+=(libgif-dev)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ "$want_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
if [ "$check_only" = 1 ]; then echo "${missing[*]}"; exit 0; fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}" >&2
  apt_install "${missing[@]}"
fi

# npm ci when node_modules is absent or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
   || ! node -e "require('canvas')" >/dev/null 2>&1; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

# Rebuild when any source, template or the build script is newer than the
# last build, or the lock file (dist/ bundles the dependencies).
stamp=dist/.build-stamp
if [ ! -f "$stamp" ] || [ -n "$(find src templates package.json package-lock.json tsconfig.json scripts/build.mjs -newer "$stamp" -print -quit 2>/dev/null)" ]; then
  echo "setup: build" >&2
  npm run --silent build >&2
  touch "$stamp"
fi
