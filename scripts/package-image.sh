#!/usr/bin/env bash
# Builds the proxy's container image (Native AOT on runtime-deps) as an OCI archive, without a Docker engine, using
# the .NET SDK's container support: ${1:-artifacts/image}/image.tar.gz, tagged ${2:-dev}. The deploy loads it and
# pushes it to each customer's ECR repository. Needs clang and zlib1g-dev (AOT) and access to mcr.microsoft.com for
# the base image, so it runs in the deploy workflow, not in .ci/run (no registry access there).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/image}"
tag="${2:-dev}"
mkdir -p "$out"
dotnet publish service -c Release -r linux-x64 -p:PublishAot=true -t:PublishContainer -nologo -v q \
  -p:ContainerRepository=bedrock-nova-proxy -p:ContainerImageTag="$tag" \
  -p:ContainerArchiveOutputPath="$(cd "$out" && pwd)/image.tar.gz"
echo "image: $out/image.tar.gz (bedrock-nova-proxy:$tag)"
