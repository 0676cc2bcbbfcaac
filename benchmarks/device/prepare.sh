#!/usr/bin/env bash
# Prepares .device/ for one device call that runs the shared NVML check and the fleet check on a
# real GPU: the shared prepare-gpu-check, a runtime linked with java.net.http as well (the fleet
# client needs it), and this folder's scripts. Run from the project's root, then run on the device
# machine with carry [".device"]: bash .device/run-all.sh (about four minutes; one archive back).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bash ../shared/device/prepare-gpu-check
rm -rf .device/jre
jlink --add-modules java.base,java.logging,java.sql,java.management,jdk.unsupported,java.naming,java.xml,jdk.crypto.ec,java.net.http \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output .device/jre
cp "$here/fleet-check.sh" "$here/run-all.sh" .device/
du -sb .device | awk '{printf "carry size: %.1f MiB (the working tree travels too: 64 MiB in all)\n", $1 / 1048576}'
