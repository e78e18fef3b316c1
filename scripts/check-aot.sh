#!/usr/bin/env bash
# Publishes the service with Native AOT for linux-x64 (the Lambda provided.al2023 `bootstrap`) and fails on any
# AOT or trimming warning. Needs clang and zlib1g-dev (see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-$(mktemp -d)}"
log="$out/publish.log"
mkdir -p "$out"
if ! dotnet publish service -c Release -r linux-x64 -p:PublishAot=true -o "$out/bin" >"$log" 2>&1; then
  cat "$log"; echo "AOT publish failed" >&2; exit 1
fi
if grep -E "warning (IL[0-9]+|AOT)" "$log"; then
  echo "AOT publish produced the warnings above" >&2; exit 1
fi
echo "Native AOT publish clean: $(du -h "$out/bin/BedrockNovaProxy" | cut -f1) binary at $out/bin/BedrockNovaProxy"
