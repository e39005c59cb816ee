#!/usr/bin/env bash
# SOR import benchmark: generates a national-size SOR export (format 2), then measures on the
# same file: a plain quick-xml pass (the speed limit), sorkomp-sor's parser, parser + store,
# and the Python baseline (ElementTree.iterparse + sqlite3). Prints the ratios.
# Usage: tools/sor-bench/run.sh [ENTITIES]   (default 200000)
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
ENTITIES="${1:-200000}"
SHARED="${SHARED:-$REPO/../shared}"
PY_BASELINE="$SHARED/tools/py_sor_import.py"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
OUT="$CARGO_TARGET_DIR/sor-bench"
mkdir -p "$OUT"
FILE="$OUT/Sor-$ENTITIES.xml"

cd "$REPO"
cargo build --release -p sorkomp-sor --bin sor-gen
cargo bench --no-run -p sorkomp-sor --bench sor_bench
if [ ! -s "$FILE" ]; then
  "$CARGO_TARGET_DIR/release/sor-gen" "$FILE" "$ENTITIES"
fi

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"

PY_SECONDS=""
if [ -f "$PY_BASELINE" ]; then
  echo "== Python baseline: $PY_BASELINE"
  start=$(date +%s.%N)
  /usr/bin/env python3 "$PY_BASELINE" "$FILE" "$OUT/py.sqlite"
  end=$(date +%s.%N)
  PY_SECONDS=$(python3 -c "print(f'{$end - $start:.3f}')")
  echo "Python: $PY_SECONDS s"
else
  echo "== Python baseline not found at $PY_BASELINE (set SHARED=...); skipping the ratio"
fi

echo "== Rust"
if [ -n "$PY_SECONDS" ]; then
  cargo bench -q -p sorkomp-sor --bench sor_bench -- "$FILE" --python-seconds "$PY_SECONDS"
else
  cargo bench -q -p sorkomp-sor --bench sor_bench -- "$FILE"
fi
