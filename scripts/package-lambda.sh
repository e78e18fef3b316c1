#!/usr/bin/env bash
# Builds the Lambda deployment packages the templates reference, into ${1:-artifacts/lambda}:
#   bootstrap.zip  Native AOT build for the provided.al2023 runtime (handler: bootstrap)
#   dotnet10.zip   framework-dependent build for the dotnet10 managed runtime (handler: BedrockNovaProxy)
#   artifacts.json the SHA-256 of each zip, in hex and as Lambda's base64 codeSha256 (the deploy passes that as
#                  ArtifactSha256, so each artifact gets its own published Lambda version)
# Zips are deterministic (sorted entries, fixed timestamps), so the same commit gives the same hash.
# Needs clang and zlib1g-dev for the AOT build (see .ci/run). Architecture: ARCH=x64 (default) or arm64.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/lambda}"
arch="${ARCH:-x64}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

dotnet publish service -c Release -r "linux-$arch" -p:PublishAot=true -o "$work/aot" -nologo -v q
mkdir -p "$work/bootstrap"
cp "$work/aot/BedrockNovaProxy" "$work/bootstrap/bootstrap"
cp "$work/aot/appsettings.json" "$work/bootstrap/"

dotnet publish service -c Release -r "linux-$arch" --self-contained false -p:PublishAot=false -o "$work/jit" -nologo -v q
rm -f "$work/jit/appsettings.Development.json" "$work/jit"/*.pdb

python3 - "$work" "$out" <<'PY'
import base64, hashlib, json, os, sys, zipfile
work, out = sys.argv[1], sys.argv[2]

def pack(source, target, executables=()):
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for root, _, files in sorted(os.walk(source)):
            for name in sorted(files):
                path = os.path.join(root, name)
                info = zipfile.ZipInfo(os.path.relpath(path, source), date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = (0o755 if name in executables else 0o644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(path, "rb") as f:
                    z.writestr(info, f.read())
    return hashlib.sha256(open(target, "rb").read()).digest()

def entry(runtime, handler, digest):
    # codeSha256 is Lambda's own form (base64), which the stack's ArtifactSha256 parameter takes.
    return {"runtime": runtime, "handler": handler, "sha256": digest.hex(), "codeSha256": base64.b64encode(digest).decode()}

manifest = {
    "bootstrap.zip": entry("provided.al2023", "bootstrap", pack(os.path.join(work, "bootstrap"), os.path.join(out, "bootstrap.zip"), {"bootstrap"})),
    "dotnet10.zip": entry("dotnet10", "BedrockNovaProxy", pack(os.path.join(work, "jit"), os.path.join(out, "dotnet10.zip"))),
}
json.dump(manifest, open(os.path.join(out, "artifacts.json"), "w"), indent=2)
for name, entry in manifest.items():
    size = os.path.getsize(os.path.join(out, name))
    print(f"{name}: {size / 1048576:.1f} MiB, sha256 {entry['sha256']}")
PY
