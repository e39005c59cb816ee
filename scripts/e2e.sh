#!/usr/bin/env bash
# End-to-end tests through the real window: builds the UI and the app, then runs
# tests/e2e under a virtual display with tauri-driver + WebKitWebDriver.
# Installs what is missing on Debian/Ubuntu (needs root or sudo for apt-get).
# Screenshots of every view land in target/e2e-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

missing=()
for pkg in libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev librsvg2-dev pkg-config build-essential \
           xvfb xauth webkit2gtk-driver; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "e2e: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "e2e: installing nodejs and npm"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v tauri-driver >/dev/null; then
  echo "e2e: installing tauri-driver"
  cargo install tauri-driver --locked --version '^2'
fi

echo "e2e: building the UI"
(cd ui && { [ -d node_modules ] && npm ls --silent >/dev/null 2>&1 || npm ci --no-audit --no-fund; } && npm run build)

echo "e2e: building the app and the test"
cargo build -p sor-komponent --bin sor-komponent
cargo test -p sor-komponent --test e2e --no-run

echo "e2e: running through the real window"
xvfb-run -a -s '-screen 0 1280x800x24' \
  cargo test -p sor-komponent --test e2e -- --test-threads=1 "$@"
echo "e2e: screenshots in target/e2e-artifacts/"
