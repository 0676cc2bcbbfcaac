#!/usr/bin/env bash
# GgufHeaderBenchmark (Java, JMH) and its Node.js baseline (@huggingface/gguf) on the same
# generated GGUF files, one after the other, then the ratio. Not part of ./mvnw verify.
# Usage: benchmarks/gguf-bench.sh  (from anywhere; needs node >= 18 and npm)
set -euo pipefail
cd "$(dirname "$0")/.."
out=benchmarks/target/gguf
mkdir -p "$out"

./mvnw -B -q -pl benchmarks -am package -DskipTests
jar=benchmarks/target/benchmarks.jar

# The baseline package, installed from the npm registry under target/ (gitignored).
mkdir -p benchmarks/target/gguf-node
cp benchmarks/gguf-node/package.json benchmarks/gguf-node/bench.mjs benchmarks/target/gguf-node/
(cd benchmarks/target/gguf-node && npm install --no-audit --no-fund --silent)

for n in 1000 5000; do
  java -cp "$jar" io.hwledger.bench.GgufFixture "$out/llama3-$n.gguf" "$n"
done

java -jar "$jar" GgufHeaderBenchmark -f 1 -wi 5 -w 1 -i 5 -r 1 \
  -rf json -rff "$out/jmh-result.json" | tail -n 8
node benchmarks/target/gguf-node/bench.mjs --warmup 5 --iterations 20 \
  "$out/llama3-1000.gguf" "$out/llama3-5000.gguf" | tee "$out/node-result.jsonl"

node -e '
const fs = require("fs");
const jmh = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const nodeRuns = fs.readFileSync(process.argv[2], "utf8").trim().split("\n").map(JSON.parse);
console.log("\ntensors  java readHeader (ms)  node @huggingface/gguf mean (ms)  node / java");
for (const r of jmh.filter(r => r.benchmark.endsWith(".readHeader"))) {
  const n = Number(r.params.tensors);
  const js = nodeRuns.find(x => x.tensors === n);
  const java = r.primaryMetric.score;
  console.log(`${String(n).padStart(7)}  ${java.toFixed(2).padStart(20)}  ${js.meanMs.toFixed(2).padStart(32)}  ${(js.meanMs / java).toFixed(1).padStart(11)}`);
}
' "$out/jmh-result.json" "$out/node-result.jsonl"
