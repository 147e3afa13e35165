#!/usr/bin/env bash
# Builds llama.cpp (the reference we measure against) outside the repository, from the source
# that the PyPI package llama-cpp-python 0.3.36 vendors (llama.cpp 0c1e570, the build that made
# ../shared/fixtures). Prints the directory holding llama-bench and llama-server.
# Nothing of llama.cpp is ever committed; the build lives in $LLAMA_CPP_HOME.
set -euo pipefail
LLAMA_CPP_HOME="${LLAMA_CPP_HOME:-$HOME/.cache/tern-bench/llama.cpp}"
BIN="$LLAMA_CPP_HOME/build/bin"
if [ -x "$BIN/llama-bench" ] && [ -x "$BIN/llama-server" ]; then echo "$BIN"; exit 0; fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "fetching llama-cpp-python 0.3.36 (source) from PyPI..." >&2
python3 -m pip download --quiet --no-deps --no-binary llama-cpp-python "llama-cpp-python==0.3.36" -d "$work" >&2
tar xzf "$work"/llama_cpp_python-0.3.36.tar.gz -C "$work"
mkdir -p "$(dirname "$LLAMA_CPP_HOME")"
rm -rf "$LLAMA_CPP_HOME"
cp -r "$work/llama_cpp_python-0.3.36/vendor/llama.cpp" "$LLAMA_CPP_HOME"
command -v cmake >/dev/null || python3 -m pip install --quiet cmake ninja >&2
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$LLAMA_CPP_HOME" -B "$LLAMA_CPP_HOME/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DGGML_NATIVE=ON -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF >&2
cmake --build "$LLAMA_CPP_HOME/build" -j 2 --target llama-bench llama-server >&2
echo "$BIN"
