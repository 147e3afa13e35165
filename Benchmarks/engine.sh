#!/usr/bin/env bash
# Single-stream engine benchmark: tern bench (pp512, tg128, 2 threads) beside llama.cpp's
# llama-bench on the same GGUF file in the same run. Release build. Usage:
#   Benchmarks/engine.sh [--model NAME_OR_PATH] [--threads N] [extra tern bench options]
set -euo pipefail
cd "$(dirname "$0")/.."
# The same flags as scripts/test, so benchmarking never invalidates the test build (and vice versa).
swift build -c release -Xswiftc -enable-testing --product tern 2>&1 | tail -n 1 >&2
BIN="$(swift build -c release -Xswiftc -enable-testing --show-bin-path)"
LLAMA_BIN="$(Benchmarks/llama-cpp.sh)"
threads=2
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
exec "$BIN/tern" bench --threads "$threads" -p 512 -n 128 -r 5 --llama-bench "$LLAMA_BIN/llama-bench" "${args[@]}"
