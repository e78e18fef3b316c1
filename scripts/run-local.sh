#!/usr/bin/env bash
# Runs the local Bedrock emulator and the proxy pointed at it, on 127.0.0.1:5005 and :5000. Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build BedrockNovaProxy.sln -v q -nologo
dotnet run --no-build --project emulators/bedrock -- --urls http://127.0.0.1:5005 &
emulator=$!
trap 'kill $emulator 2>/dev/null' EXIT
AWS_ACCESS_KEY_ID=BNPLOCALTESTACCESSKEY AWS_SECRET_ACCESS_KEY=bnp-local-test-secret-not-a-real-key AWS_REGION=us-east-1 \
AWS_ENDPOINT_URL_BEDROCK_RUNTIME=http://127.0.0.1:5005 \
  dotnet run --no-build --project service -- --urls http://127.0.0.1:5000 --environment Development
