#!/bin/sh
# Builds the harness with the kernels (optionally those of another checkout: run.sh [ROOT] [ARGS…])
# and runs it: `run.sh . 2 kernels`.
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "${1:-$here/../..}" && pwd)
shift || true
out=${TMPDIR:-/tmp}/segmentation-speed-$(echo "$root" | tr '/' '_')
swiftc -O -wmo -module-name LesionKernels $(find "$root/Sources/LesionKernels" -name '*.swift') "$here/main.swift" -o "$out"
"$out" "$@"
