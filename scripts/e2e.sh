#!/usr/bin/env bash
# End-to-end tests through the real window: builds the UI and the app, then runs
# tests/e2e under a virtual display with tauri-driver + WebKitWebDriver.
# Installs what is missing through scripts/setup.sh.
# Screenshots of every view land in target/e2e-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"

echo "e2e: building the app and the test"
cargo build -p sor-komponent --bin sor-komponent
cargo test -p sor-komponent --test e2e --no-run

echo "e2e: running through the real window"
xvfb-run -a -s '-screen 0 1280x800x24' \
  cargo test -p sor-komponent --test e2e -- --test-threads=1 "$@"
echo "e2e: screenshots in target/e2e-artifacts/"
