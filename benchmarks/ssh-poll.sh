#!/bin/sh
# SSH polling (benchmarks/README.md, "SSH polling"): 100 loopback SSH servers polled by the fleet's
# SshPoller for 10 rounds at concurrency 4, 16 and 64, one JVM per run; each run's report (text,
# and JSON) goes to benchmarks/target/ssh-poll/, and its Markdown row is printed here. A few
# minutes in all. Build first:
#   ./mvnw -B -q -pl benchmarks -am package -DskipTests
# Choose the concurrencies with CONCURRENCY (default "4 16 64"), the targets with TARGETS and the
# rounds with ROUNDS. The fleet's client sets TCP_NODELAY on its sockets; NODELAY=1 runs them again
# with it on the servers' too (-Dorg.apache.sshd.config.tcp-nodelay=true), for comparison.
set -eu
cd "$(dirname "$0")/.."
jar=benchmarks/target/benchmarks.jar
out=benchmarks/target/ssh-poll
mkdir -p "$out"
poll() { # NAME JVM-FLAGS C: one run
  name=$1
  flags=$2
  c=$3
  echo "== $name: concurrency $c $flags ($(uptime))"
  # shellcheck disable=SC2086 # the flags are words
  java $flags -cp "$jar" io.hwledger.bench.fleet.SshPollLoad --targets "${TARGETS-100}" \
      --rounds "${ROUNDS-10}" --concurrency "$c" --json "$out/$name.json" > "$out/$name.txt" 2>&1
  grep '^row:' "$out/$name.txt"
}
for c in ${CONCURRENCY-4 16 64}; do poll "c$c" "" "$c"; done
if [ "${NODELAY-0}" = 1 ]; then
  for c in ${CONCURRENCY-4 16 64}; do
    poll "c$c-nodelay" "-Dorg.apache.sshd.config.tcp-nodelay=true" "$c"
  done
fi
echo "== done ($(uptime))"
