#!/usr/bin/env bash
# Saturation benchmark of the proxy against its floor, the local Bedrock called directly, with wrk (C, closed loop):
# a load generator that costs far less than what it measures, so the 2 cores go to the processes measured.
#   scripts/bench-wrk.sh [--reps 3] [--duration 10s] [--connections 64] [--aot] [--trace out.nettrace]
# Both runs send the same Converse request: the direct one signed once with botocore (the local Bedrock accepts the
# same signature for its 15-minute window), the proxied one as OpenAI chat completions. The model answers at once
# ([[latency:ttft=0,tps=0]]). Interleaved reps; per run: req/s, latency p50/p99 (wrk), CPU per request of the proxy
# and of the local Bedrock (utime+stime from /proc/<pid>/stat over the run), and peak RSS (VmHWM).
# --trace: after the reps, a sampled thread-time trace of the proxy under the same load (dotnet-trace, pinned in
# .config/dotnet-tools.json; open it in PerfView or `dotnet-trace convert --format speedscope`).
# Needs wrk (apt-get install wrk) and python3 with botocore. Prints a Markdown table; writes nothing in the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

reps=3 duration=10s connections=64 aot=false trace=
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --aot) aot=true; shift ;;
    --trace) trace=$(realpath -m "$2"); shift 2 ;;
    *) echo "bench-wrk: unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "bench-wrk: wrk is missing (apt-get install wrk)" >&2; exit 2; }
python3 -c "import botocore" 2>/dev/null || { echo "bench-wrk: python3 with botocore is missing" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

dotnet build emulators/bedrock -c Release -v q -nologo >/dev/null
if [ "$aot" = true ]; then
  dotnet publish service -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -v q -nologo >/dev/null
  proxy_cmd=("$work/aot/BedrockNovaProxy")
else
  dotnet build service -c Release -v q -nologo >/dev/null
  proxy_cmd=(dotnet service/bin/Release/net10.0/BedrockNovaProxy.dll)
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 100); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "bench-wrk: $1 did not answer" >&2; exit 1; }

bedrock_port=$(free_port)
proxy_port=$(free_port)
export AWS_ACCESS_KEY_ID=BNPLOCALTESTACCESSKEY AWS_SECRET_ACCESS_KEY=bnp-local-test-secret-not-a-real-key AWS_REGION=us-east-1
Logging__LogLevel__Default=Warning dotnet emulators/bedrock/bin/Release/net10.0/BedrockNovaProxy.Emulators.Bedrock.dll \
  --urls "http://127.0.0.1:$bedrock_port" >"$work/bedrock.log" 2>&1 &
pids+=($!); bedrock_pid=$!
key=sk-bench-0123456789abcdef
key_sha=$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)
ASPNETCORE_URLS="http://127.0.0.1:$proxy_port" AWS_ENDPOINT_URL_BEDROCK_RUNTIME="http://127.0.0.1:$bedrock_port" \
  Logging__LogLevel__Default=Warning Proxy__Telemetry__Emf=false \
  Proxy__ModelAliases__0__Alias=gpt-4o-mini Proxy__ModelAliases__0__Model=amazon.nova-lite-v1:0 \
  Proxy__Auth__Keys__0__Name=bench Proxy__Auth__Keys__0__Sha256="$key_sha" \
  "${proxy_cmd[@]}" >"$work/proxy.log" 2>&1 &
pids+=($!); proxy_pid=$!
wait_for "http://127.0.0.1:$bedrock_port/_emulator/health"
wait_for "http://127.0.0.1:$proxy_port/health"

prompt='[[latency:ttft=0,tps=0]] Reply with one short sentence.'
# wrk scripts: the proxied request, and the direct one with the headers botocore signs.
python3 - "$work" "$bedrock_port" "$key" "$prompt" <<'PY'
import json, sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
work, port, key, prompt = sys.argv[1:]
def lua(path, headers, body):
    lines = ['wrk.method = "POST"', f'wrk.body = {json.dumps(body)}']
    lines += [f'wrk.headers[{json.dumps(k)}] = {json.dumps(v)}' for k, v in headers.items()]
    open(path, "w").write("\n".join(lines) + "\n")
chat = json.dumps({"model": "gpt-4o-mini", "max_tokens": 32, "messages": [{"role": "user", "content": prompt}]})
lua(f"{work}/proxy.lua", {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}, chat)
converse = json.dumps({"messages": [{"role": "user", "content": [{"text": prompt}]}], "inferenceConfig": {"maxTokens": 32}})
url = f"http://127.0.0.1:{port}/model/amazon.nova-lite-v1:0/converse"
request = AWSRequest(method="POST", url=url, data=converse, headers={"Content-Type": "application/json"})
SigV4Auth(Credentials("BNPLOCALTESTACCESSKEY", "bnp-local-test-secret-not-a-real-key"), "bedrock", "us-east-1").add_auth(request)
lua(f"{work}/direct.lua", {k: v for k, v in request.headers.items() if k.lower() != "content-length"}, converse)
PY

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
run() { # name url script -> one Markdown row
  local name=$1 url=$2 script=$3 p0 b0 out requests rps p50 p99 p1 b1
  p0=$(ticks "$proxy_pid"); b0=$(ticks "$bedrock_pid")
  out=$(wrk -t2 -c"$connections" -d"$duration" --latency -s "$script" "$url")
  p1=$(ticks "$proxy_pid"); b1=$(ticks "$bedrock_pid")
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  if grep -q "Non-2xx" <<<"$out"; then echo "bench-wrk: $name answered non-2xx: $out" >&2; exit 1; fi
  awk -v n="$name" -v r="$rps" -v a="$p50" -v b="$p99" -v dp=$((p1 - p0)) -v db=$((b1 - b0)) -v q="$requests" -v hz="$hz" \
    'BEGIN { printf "| %s | %s | %s | %s | %.3f | %.3f |\n", n, r, a, b, dp * 1000 / hz / q, db * 1000 / hz / q }'
}

# A warm-up of each as long as a run before anything is measured: 3 s left the JIT's tiering unfinished (the first
# proxy rep ran at 75% of the later ones).
wrk -t2 -c"$connections" -d"$duration" -s "$work/direct.lua" "http://127.0.0.1:$bedrock_port/model/amazon.nova-lite-v1:0/converse" >/dev/null
wrk -t2 -c"$connections" -d"$duration" -s "$work/proxy.lua" "http://127.0.0.1:$proxy_port/v1/chat/completions" >/dev/null

echo "| run | req/s | p50 | p99 | proxy CPU ms/req | local Bedrock CPU ms/req |"
echo "|---|---|---|---|---|---|"
for rep in $(seq 1 "$reps"); do
  run "direct $rep" "http://127.0.0.1:$bedrock_port/model/amazon.nova-lite-v1:0/converse" "$work/direct.lua"
  run "proxy $rep" "http://127.0.0.1:$proxy_port/v1/chat/completions" "$work/proxy.lua"
done
echo
echo "peak RSS: proxy $(awk '/VmHWM/ { print $2, $3 }' "/proc/$proxy_pid/status"), local Bedrock $(awk '/VmHWM/ { print $2, $3 }' "/proc/$bedrock_pid/status")"
if [ -n "$trace" ]; then
  dotnet tool restore >/dev/null
  dotnet tool run dotnet-trace collect -p "$proxy_pid" --profile dotnet-common,dotnet-sampled-thread-time --duration 00:00:00:10 -o "$trace" >/dev/null &
  tracer=$!
  sleep 1 # let the session attach before the load starts
  wrk -t2 -c"$connections" -d10s -s "$work/proxy.lua" "http://127.0.0.1:$proxy_port/v1/chat/completions" >/dev/null
  wait "$tracer"
  echo "trace: $trace"
fi
