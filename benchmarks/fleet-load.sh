#!/bin/sh
# The fleet server under load (benchmarks/README.md, "Fleet server under load"). One JVM per run;
# each run's report (text, and JSON) goes to benchmarks/target/fleet-load/, and its Markdown row
# is printed here. About 40 minutes in all. Build first:
#   ./mvnw -B -q -pl benchmarks -am package -DskipTests
# Choose the runs with STEADY, NOJOBS, RATE, BURST and PLACE (agent counts; empty to skip).
set -eu
cd "$(dirname "$0")/.."
jar=benchmarks/target/benchmarks.jar
out=benchmarks/target/fleet-load
mkdir -p "$out"
load() { # NAME ARGS...: one run
  name=$1
  shift
  echo "== $name: $* ($(uptime))"
  java -cp "$jar" io.hwledger.bench.fleet.FleetLoad --profile-hz 2 --json "$out/$name.json" "$@" \
      > "$out/$name.txt" 2>&1
  grep '^row:\|^jobs:\|^midnight\|during the burst' "$out/$name.txt"
}
# steady state: telemetry every second, 5 jobs/s, the server's clock left alone
for n in ${STEADY-100 250 500 1000 1500 2000}; do load "steady-$n" --agents "$n" --midnight off; done
# the same without jobs
for n in ${NOJOBS-1000 1500 2000}; do
  load "nojobs-$n" --agents "$n" --midnight off --jobs 0
done
# more requests per agent, no jobs: 2 and 4 telemetry reports a second
for n in ${RATE-1000}; do
  load "rate-$n-2hz" --agents "$n" --midnight off --jobs 0 --telemetry 0.5
  load "rate-$n-4hz" --agents "$n" --midnight off --jobs 0 --telemetry 0.25
done
# UTC midnight 10 s into a 40 s measured phase: every GPU's daily summary
for n in ${BURST-100 250 500 1000}; do
  load "midnight-$n" --agents "$n" --duration 40 --midnight 10
done
# jobs back to back, one at a time
for n in ${PLACE-100 500 1000}; do
  load "place-$n" --agents "$n" --duration 30 --midnight off --jobs max
done
