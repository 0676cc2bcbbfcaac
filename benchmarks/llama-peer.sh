#!/usr/bin/env bash
# The llama.cpp peer (FR-PLAN-028): writes GGUF files of many shapes, loads each in real
# llama.cpp on the CPU (node-llama-cpp's prebuilt libraries), and compares what llama.cpp logs
# (KV cells and bytes, SWA caches, weight buffers, the CPU compute buffer) with the planner's plan
# for the same file and flags (llama.cpp engine, -ngl 0). Prints one row per case; exits 1 when a
# row is outside the tolerances. Not part of ./mvnw verify.
# Usage: benchmarks/llama-peer.sh  (from anywhere; needs node >= 20, npm and the npm registry)
set -euo pipefail
cd "$(dirname "$0")/.."
out=benchmarks/target/llama-peer-run
node_dir=benchmarks/target/llama-peer

./mvnw -B -q -pl benchmarks -am package -DskipTests
jar=benchmarks/target/benchmarks.jar

# node-llama-cpp and its prebuilt Linux x64 CPU binaries, pinned in package.json (the rest by
# package-lock.json; npm ci refuses the lock over the other platforms' optional packages),
# installed under target/ (gitignored). --ignore-scripts: no postinstall, so nothing is built
# from source and no binary or model is downloaded from elsewhere; --omit=optional: none of the
# other platforms' (or the CUDA/Vulkan) binary packages.
mkdir -p "$node_dir" "$out"
cp benchmarks/llama-peer/package.json benchmarks/llama-peer/package-lock.json \
  benchmarks/llama-peer/peer.mjs "$node_dir"/
(cd "$node_dir" && npm install --ignore-scripts --omit=optional --no-audit --no-fund --silent)

java -cp "$jar" io.hwledger.bench.peer.LlamaPeer "$out" "$node_dir"
