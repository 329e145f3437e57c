#!/usr/bin/env bash
# Heapglass set-up: installs the Debian 12 packages it needs, builds, then either opens the app on
# the bundled example chapter ("run") or runs every test, GUI tests under Xvfb, plus the
# AddressSanitizer + UndefinedBehaviorSanitizer build ("test"). Idempotent; says what it does.
set -euo pipefail

mode=${1:-run}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

say () { printf '\033[1m==> %s\033[0m\n' "$*"; }

packages=(
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libadwaita-1-dev libgtksourceview-5-dev
  libcairo2-dev libpango1.0-dev python3 python3.11 python3.11-dev libmd4c-dev libseccomp-dev libgif-dev libxtst-dev bubblewrap
  desktop-file-utils appstream xvfb xauth poppler-utils libxml2-utils at-spi2-core dbus-daemon
  clang clang-format libclang-rt-14-dev fonts-dejavu-core fonts-cantarell adwaita-icon-theme
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  say "Installing Debian packages: ${missing[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  say "Debian packages: all ${#packages[@]} present"
fi

# pyenv and friends put another python3 first on PATH; the tracer embeds Debian's 3.11, and the
# fidelity tests compare against that same interpreter (see meson_options.txt).
configure () {
  local dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    say "Reconfiguring $dir"
    meson setup --reconfigure "$dir" "$@" >/dev/null
  else
    say "Configuring $dir"
    meson setup "$dir" "$@"
  fi
}

configure _build
say "Building _build"
ninja -C _build

case "$mode" in
  run)
    example=data/examples/heapglass-tour.md
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      say "Opening Heapglass on $example"
      exec ./_build/src/app/heapglass "$example"
    else
      say "No display: tracing the bundled example headlessly instead"
      exec ./_build/src/app/heapglass --trace-summary data/examples/aliasing.py
    fi
    ;;
  test)
    say "Running every test (GUI tests under Xvfb)"
    status=0
    xvfb-run -a -s '-screen 0 1440x900x24' meson test -C _build --print-errorlogs --num-processes 2 || status=1
    configure _build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
    say "Building _build-asan (AddressSanitizer + UndefinedBehaviorSanitizer)"
    ninja -C _build-asan
    say "Running every test under the sanitizers"
    xvfb-run -a -s '-screen 0 1440x900x24' meson test -C _build-asan --print-errorlogs --num-processes 2 \
      --timeout-multiplier 3 || status=1
    # libFuzzer pass: the trace decoder and the chapter loader, ~60 s each on their seed corpora,
    # built with clang in a third directory (only the fuzz targets; see tests/fuzz/meson.build).
    CC=clang configure _build-fuzz -Dfuzzing=true -Dgui=false -Dwerror=false
    say "Building the fuzz targets in _build-fuzz (clang, libFuzzer + ASan + UBSan)"
    ninja -C _build-fuzz fuzzers || status=1
    say "Fuzzing the trace decoder and the chapter loader (about a minute)"
    meson test -C _build-fuzz --no-rebuild --suite fuzz --print-errorlogs --num-processes 2 || status=1
    exit $status
    ;;
  *)
    echo "usage: $0 run|test" >&2
    exit 2
    ;;
esac
