#!/usr/bin/env bash
# Installs what is missing and runs every test: the UI's unit tests (vitest), then the whole
# Rust workspace (unit, CLI round trips, mock-runtime commands, local TLS servers, and the
# end-to-end tests through the real window under a virtual display).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"

echo "test: UI unit tests"
(cd ui && npm test)

echo "test: Rust core crates"
cargo test --workspace --exclude sor-komponent

echo "test: the app: commands on the mock runtime, then end to end through the real window (xvfb)"
cargo build -p sor-komponent --bin sor-komponent
xvfb-run -a -s '-screen 0 1280x800x24' cargo test -p sor-komponent -- --test-threads=1
