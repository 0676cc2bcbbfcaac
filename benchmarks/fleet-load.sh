#!/bin/sh
# The fleet server under load (benchmarks/README.md, "Fleet server under load"): a sweep over the
# number of agents with the server's clock left alone (steady state), then runs with UTC midnight
# moved into the measured phase (the daily summaries' burst). One JVM per run; reports (text and
# JSON) go to benchmarks/target/fleet-load/. Build first:
#   ./mvnw -B -q -pl benchmarks -am package -DskipTests
set -eu
cd "$(dirname "$0")/.."
jar=benchmarks/target/benchmarks.jar
out=benchmarks/target/fleet-load
mkdir -p "$out"
steady="${STEADY:-100 250 500 1000 1500 2000}"
burst="${BURST:-100 250 500 1000}"
for n in $steady; do
  echo "== $n agents, steady ($(uptime))"
  java -cp "$jar" io.hwledger.bench.fleet.FleetLoad --agents "$n" --midnight off \
      --profile-hz 2 --json "$out/steady-$n.json" > "$out/steady-$n.txt" 2>&1
  grep '^row:' "$out/steady-$n.txt"
done
for n in $burst; do
  echo "== $n agents, midnight at +10 s ($(uptime))"
  java -cp "$jar" io.hwledger.bench.fleet.FleetLoad --agents "$n" --duration 40 --midnight 10 \
      --profile-hz 2 --json "$out/midnight-$n.json" > "$out/midnight-$n.txt" 2>&1
  grep -A4 '^midnight' "$out/midnight-$n.txt"
done
place="${PLACE:-100 500 1000}"
for n in $place; do
  echo "== $n agents, jobs back to back ($(uptime))"
  java -cp "$jar" io.hwledger.bench.fleet.FleetLoad --agents "$n" --duration 30 --midnight off \
      --jobs max --profile-hz 2 --json "$out/place-$n.json" > "$out/place-$n.txt" 2>&1
  grep '^row:\|^jobs:' "$out/place-$n.txt"
done
