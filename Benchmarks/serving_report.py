#!/usr/bin/env python3
"""Prints the serving benchmark table from loadgen's JSON results (see serving.sh)."""
import json
import sys


def levels(path):
    with open(path) as f:
        data = json.load(f)
    rows = data["results"]
    return {row["concurrency"]: row for row in rows}


def ttft_p50(path):
    return next(iter(levels(path).values()))["ttft_ms"]["p50"]


def main():
    work, tern_rss, llama_rss = sys.argv[1], sys.argv[2], sys.argv[3]
    tern, llama = levels(f"{work}/tern.json"), levels(f"{work}/llama.json")
    print("| conc | engine | out tok/s | req/s | TTFT p50 | TTFT p99 | ITL p50 | ITL p99 | errors |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for level in sorted(tern):
        for name, rows in (("tern", tern), ("llama-server", llama)):
            r = rows.get(level)
            if not r:
                continue
            print(f"| {level} | {name} | {r['output_tok_per_s']:.1f} | {r['requests_per_s']:.2f} | "
                  f"{r['ttft_ms']['p50']:.1f} | {r['ttft_ms']['p99']:.1f} | {r['itl_ms']['p50']:.1f} | "
                  f"{r['itl_ms']['p99']:.1f} | {r['failed']} |")
    print()
    for level in sorted(tern):
        if level in llama:
            ratio = tern[level]["output_tok_per_s"] / llama[level]["output_tok_per_s"]
            ttft = tern[level]["ttft_ms"]["p99"] / llama[level]["ttft_ms"]["p99"]
            print(f"concurrency {level}: output tok/s ratio tern/llama-server {ratio:.2f}x, TTFT p99 ratio {ttft:.2f}")
    for name in ("tern", "llama"):
        cold, warm = ttft_p50(f"{work}/{name}-cold.json"), ttft_p50(f"{work}/{name}-warm.json")
        print(f"{name}: 1,000-token shared system prompt TTFT cold {cold:.1f} ms, cached {warm:.1f} ms "
              f"({100 * warm / cold:.0f}% of cold)")
    print(f"peak RSS: tern {tern_rss} MiB, llama-server {llama_rss} MiB")


if __name__ == "__main__":
    main()
