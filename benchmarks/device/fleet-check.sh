#!/usr/bin/env bash
# Runs on a GPU machine (prepare.sh here, then .device/run-all.sh there): a fleet server and one
# agent on loopback, the agent reading the real GPU through NVML; one job placed by planned memory
# whose "engine" is a wrapper that allocates GPU memory with PyTorch. Writes everything to $1.
# Locally, against the fake NVML: HWLEDGER_NVML_LIBRARY=fleet-agent/target/native/libnvidia-ml.so.1
# HWLEDGER_FAKE_NVML_DIR=$(mktemp -d) HWLEDGER_FAKE_NVML_GPUS=1 FAKE_ENGINE_HOLD_BYTES=6000000000
# FAKE_ENGINE_RUN_MS=80000 HOLD_CMD=$PWD/fleet-agent/target/native/fake-engine.
set -u
cd "$(dirname "$0")/.."
o=$1; mkdir -p "$o"; w=$(mktemp -d); J=".device/jre/bin/java -jar .device/hwledger.jar"
export HWLEDGER_FLEET_PASSPHRASE='gpu-check passphrase'
A="--admin $w/fleet/admin"
$J fleet init "$w/fleet" --fleet-id gpu.check --url https://127.0.0.1:18443 > "$o/init.txt" 2>&1
$J fleet server "$w/fleet" --bind 127.0.0.1 --port 18443 > "$o/server.log" 2>&1 & sp=$!
for i in $(seq 1 60); do $J fleet status $A > /dev/null 2>&1 && break; sleep 0.5; done
JOIN=$($J fleet token create --ttl 10m --uses 1 $A)
$J agent join "$JOIN" --data "$w/agent" > "$o/join.txt" 2>&1 || { echo "join failed"; cat "$o/join.txt"; kill $sp; exit 1; }
printf '#!/bin/sh\necho "argv: $*"\necho "CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES"\nexec %s\n' "${HOLD_CMD:-python3 $PWD/.device/hold_memory.py 6 80}" > "$w/engine"
chmod 755 "$w/engine"; echo "vllm=$w/engine" > "$w/allowlist"
$J agent run --data "$w/agent" --allowlist "$w/allowlist" --heartbeat 5s --telemetry 2s > "$o/agent.log" 2>&1 & ap=$!
for i in $(seq 1 60); do $J fleet gpus --json $A 2>/dev/null | grep -q '"measuredAt"\|"usedBytes"' && break; sleep 0.5; done
$J fleet gpus --json $A > "$o/gpus-idle.json" 2>&1
$J fleet gpus $A
$J fleet submit --model llama-3.1-8b --engine vllm --context 8192 --set gpu-memory-utilization=0.3 --json $A > "$o/submit.json" 2>&1; echo "submit rc=$?"
cat "$o/submit.json"
sleep 20
$J fleet gpus --json $A > "$o/gpus-busy.json" 2>&1
$J fleet gpus $A; $J fleet jobs $A
nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits > "$o/smi-apps-busy.csv" 2>&1
nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits > "$o/smi-busy.csv" 2>&1
cat "$o/smi-apps-busy.csv" "$o/smi-busy.csv"
for i in $(seq 1 90); do $J fleet jobs --json $A 2>/dev/null | grep -q '"state" *: *"\(EXITED\|FAILED\|SUCCEEDED\|exited\|failed\|succeeded\)"' && break; sleep 1; done
$J fleet jobs --json $A > "$o/jobs.json" 2>&1
$J fleet jobs $A; $J fleet accuracy $A; $J fleet accuracy --json $A > "$o/accuracy.json" 2>&1
kill $ap; wait $ap; kill $sp; wait $sp
$J ledger verify "$w/fleet/ledger" > "$o/ledger-verify.txt" 2>&1; echo "ledger verify rc=$?"
cp -r "$w/fleet/ledger" "$o/ledger"
