#!/usr/bin/env bash
# Installs what is missing and opens SOR-komponent on the bundled demo municipality (Korsbæk).
# The demo gets its own database, so your own data is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
export SORKOMP_DB="${SORKOMP_DB:-$PWD/target/demo/sorkomp-demo.db}"
cargo build -p sor-komponent --bin sor-komponent
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "demo: no display found; starting the window on a virtual display (xvfb)"
  exec xvfb-run -a -s '-screen 0 1280x800x24' target/debug/sor-komponent
fi
exec target/debug/sor-komponent
