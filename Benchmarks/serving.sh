#!/usr/bin/env bash
# Serving benchmark: ../shared/tools/loadgen.py against `tern serve` and, in the same run,
# against llama.cpp's llama-server on the same GGUF with the same threads and parallel slots.
# Concurrency 1, 4, 16, 64; ~150-token prompts; 128 output tokens; temperature 0. Then the
# shared-system-prompt test: TTFT of a request whose 1,000-token system prompt is cached vs cold.
# Usage: Benchmarks/serving.sh [--model NAME_OR_PATH] [--threads N] [--concurrency 1,4,16,64] [--requests N]
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
model="smollm2-135m-instruct"; threads=2; levels="1,4,16,64"; requests=""
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --concurrency) levels="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
LOADGEN="${LOADGEN:-$root/../shared/tools/loadgen.py}"
[ -f "$LOADGEN" ] || { echo "loadgen.py not found (set LOADGEN)" >&2; exit 1; }
python3 -c "import aiohttp" 2>/dev/null || python3 -m pip install --quiet aiohttp >&2

swift build -c release -Xswiftc -enable-testing --product tern 2>&1 | tail -n 1 >&2
TERN="$(swift build -c release -Xswiftc -enable-testing --show-bin-path)/tern"
LLAMA_BIN="$(Benchmarks/llama-cpp.sh)"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
model_file="$("$TERN" pull "$model" 2>/dev/null || echo "$model")"
slots=64
common=(--concurrency "$levels" --max-tokens 128 --prompt-tokens 150 --ignore-eos --temperature 0 --warmup 1 --duration 240)
[ -n "$requests" ] && common+=(--requests "$requests")

load() { # loadgen arguments...; a failed request or level is reported in the table, never fatal
  python3 "$LOADGEN" "$@" --quiet || echo "loadgen exited with $? (see the errors column)" >&2
}
wait_ready() { # url
  for _ in $(seq 1 600); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "server at $1 did not become ready" >&2; return 1
}
peak_rss_mib() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

# --- tern
port=18400
"$TERN" serve --model "$model_file" --port $port --threads "$threads" --data-dir "$work/tern" \
  --max-running $slots --kv-cache-tokens 32768 >"$work/tern.log" 2>&1 &
tern_pid=$!
wait_ready "http://127.0.0.1:$port/health"
token="$(grep -o 'flp_[0-9A-Za-z]*' "$work/tern.log" | head -n 1)"
load --base-url "http://127.0.0.1:$port" --api-key "$token" "${common[@]}" --json "$work/tern.json"
system="$(python3 -c "print(' '.join(['You are a careful assistant who answers questions about the world.'] * 90))")"
load --base-url "http://127.0.0.1:$port" --api-key "$token" --concurrency 1 --requests 1 --warmup 0 \
  --max-tokens 16 --system "$system" --seed 1 --json "$work/tern-cold.json"
load --base-url "http://127.0.0.1:$port" --api-key "$token" --concurrency 1 --requests 1 --warmup 0 \
  --max-tokens 16 --system "$system" --seed 2 --json "$work/tern-warm.json"
tern_rss="$(peak_rss_mib $tern_pid)"
kill -INT $tern_pid; wait $tern_pid || true

# --- llama-server (same file, threads, slots and KV cache size)
port=18401
# -kvu: one KV pool shared by all slots (as Tern's), so the 1,000-token system prompt fits a slot;
# everything else is llama-server's default (flash attention: auto).
"$LLAMA_BIN/llama-server" -m "$model_file" -t "$threads" -tb "$threads" -np $slots -c 32768 -kvu \
  --port $port --host 127.0.0.1 --no-webui >"$work/llama.log" 2>&1 &
llama_pid=$!
wait_ready "http://127.0.0.1:$port/health"
load --base-url "http://127.0.0.1:$port" "${common[@]}" --json "$work/llama.json"
load --base-url "http://127.0.0.1:$port" --concurrency 1 --requests 1 --warmup 0 \
  --max-tokens 16 --system "$system" --seed 1 --json "$work/llama-cold.json"
load --base-url "http://127.0.0.1:$port" --concurrency 1 --requests 1 --warmup 0 \
  --max-tokens 16 --system "$system" --seed 2 --json "$work/llama-warm.json"
llama_rss="$(peak_rss_mib $llama_pid)"
kill $llama_pid; wait $llama_pid || true

python3 Benchmarks/serving_report.py "$work" "$tern_rss" "$llama_rss"
