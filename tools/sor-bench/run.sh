#!/usr/bin/env bash
# SOR import benchmark: generates a national-size SOR export (format 2), then measures on the
# same file, interleaved over several rounds: a plain quick-xml pass (the speed limit),
# sorkomp-sor's parser, parser + store (fresh cache, and again into a cache holding the file),
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

echo "== Rust (and Python, as one more phase of each round)"
if [ -f "$PY_BASELINE" ]; then
  cargo bench -q -p sorkomp-sor --bench sor_bench -- "$FILE" --python "$PY_BASELINE"
else
  echo "== Python baseline not found at $PY_BASELINE (set SHARED=...); no ratio to it"
  cargo bench -q -p sorkomp-sor --bench sor_bench -- "$FILE"
fi
