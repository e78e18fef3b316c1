#!/usr/bin/env bash
# Builds the service both ways and compares them as Lambda workers: cold start, throughput, peak memory.
# Figures go to loadtests/reports/coldstart.md (see docs/performance.md). Needs clang and zlib1g-dev.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet publish service -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -nologo -v q
dotnet publish service -c Release -r linux-x64 --self-contained false -p:PublishAot=false -o "$work/jit" -nologo -v q
dotnet run --project local -c Release -- coldstart --aot "$work/aot/BedrockNovaProxy" --jit "$work/jit/BedrockNovaProxy.dll" \
  --report loadtests/reports "$@"
