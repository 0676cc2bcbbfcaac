#!/usr/bin/env bash
# One device call: the shared NVML check, then the fleet check; every file in one archive.
cd "$(dirname "$0")/.."
mkdir -p /tmp/gc /tmp/fc
echo "=== gpu-check"; OUT=/tmp/gc timeout 150 bash .device/gpu-check.sh 2>&1 | tail -40
echo "=== fleet-check"; timeout 240 bash .device/fleet-check.sh /tmp/fc 2>&1 | tail -60
echo "=== agent log"; tail -15 /tmp/fc/agent.log
tar czf "$OUT/results.tgz" -C /tmp gc fc
