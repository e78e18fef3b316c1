#!/usr/bin/env bash
# The proxy against its floor, the local Bedrock called directly with the same signed Converse request, in one run:
# the two as separate Release processes (JIT, or Native AOT with --aot) and load generators that cost less than what
# they measure. Three measurements, each interleaved direct/proxy for --reps repetitions after a warm-up:
#   saturation  wrk (C, closed loop, --connections) and a model that answers at once: req/s, p50/p99, and the CPU per
#               request of each process (utime+stime from /proc/<pid>/stat over the run, divided by the requests)
#   rate        wrk at a constant arrival rate (scripts/bench/pace.lua, --rate req/s) and a model with 50 ms to first
#               token: latency p50/p99/p99.9 of each, the proxy's addition, CPU per request
#   stream      --streams streams at a time (local bench --streams: a .NET client waiting on the model most of the
#               time), model 50 ms to first token and 400 tokens/s: time to first token and end of stream, p50/p99
# and the peak RSS (VmHWM) of both processes over the whole run. Prints Markdown; writes nothing in the repository.
#   scripts/bench.sh [--aot] [--reps 3] [--duration 10s] [--connections 64] [--rate 1000] [--streams 16]
#                    [--only saturation,rate,stream] [--proxy-dir DIR | --framework-floor] [--proxy-env NAME=VALUE]...
#                    [--trace out.nettrace] [--perf out.folded]
# --proxy-dir: run the proxy built there (BedrockNovaProxy.dll, or the bootstrap binary with --aot) instead of this tree's,
#         to set another commit against the same floor in the same run (git worktree add ../base <rev>, then build it).
# --framework-floor: run scripts/bench/framework-floor.cs in the proxy's place (JIT): Kestrel, one signed call to the
#         local Bedrock and a fixed answer, none of the proxy's work; what any ASP.NET Core proxy pays on this machine,
#         to read the proxy's figures against.
# --proxy-env: an environment variable for the proxy alone (repeatable), to try a runtime setting against the same
#         floor (DOTNET_gcServer=1, DOTNET_TieredPGO=0...) without it changing the local Bedrock too.
# --trace: a dotnet-trace (sampled thread time) of the proxy at saturation, after the reps.
# --perf: a CPU profile of the proxy at saturation with perf (kernel and native frames included, JIT frames named
#         through the runtime's perf map), folded for scripts/bench/flamegraph.py.
# Needs python3 with botocore; installs wrk (and perf for --perf) from Debian when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

reps=3 duration=10s connections=64 rate=1000 streams=16 aot=false only=saturation,rate,stream trace='' perfout='' proxy_dir='' framework_floor=false
proxy_env=()
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --streams) streams=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --aot) aot=true; shift ;;
    --trace) trace=$(realpath -m "$2"); shift 2 ;;
    --perf) perfout=$(realpath -m "$2"); shift 2 ;;
    --proxy-dir) proxy_dir=$(realpath "$2"); shift 2 ;;
    --proxy-env) proxy_env+=("$2"); shift 2 ;;
    --framework-floor) framework_floor=true; shift ;;
    *) echo "bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# wrk and perf come from Debian: installed when missing, as .ci/run installs what it needs.
install() { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
command -v wrk >/dev/null || install wrk
[ -z "$perfout" ] || command -v perf >/dev/null || install linux-perf
python3 -c "import botocore" 2>/dev/null || { echo "bench: python3 with botocore is missing" >&2; exit 2; }
wants() { [[ ",$only," == *",$1,"* ]]; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

dotnet build emulators/bedrock -c Release -v q -nologo >/dev/null
wants stream && dotnet build local -c Release -v q -nologo >/dev/null
if [ "$framework_floor" = true ]; then
  if [ "$aot" = true ] || [ -n "$proxy_dir" ]; then echo "bench: --framework-floor runs under JIT, alone" >&2; exit 2; fi
  dotnet build scripts/bench/framework-floor.cs -c Release -o "$work/framework-floor" -v q -nologo >/dev/null
  proxy_cmd=(dotnet "$work/framework-floor/framework-floor.dll")
elif [ -n "$proxy_dir" ]; then
  if [ "$aot" = true ]; then proxy_cmd=("$proxy_dir/BedrockNovaProxy"); else proxy_cmd=(dotnet "$proxy_dir/BedrockNovaProxy.dll"); fi
elif [ "$aot" = true ]; then
  dotnet publish service -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -v q -nologo >/dev/null
  proxy_cmd=("$work/aot/BedrockNovaProxy")
else
  dotnet build service -c Release -v q -nologo >/dev/null
  proxy_cmd=(dotnet service/bin/Release/net10.0/BedrockNovaProxy.dll)
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 100); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "bench: $1 did not answer" >&2; exit 1; }

bedrock_port=$(free_port)
proxy_port=$(free_port)
bedrock="http://127.0.0.1:$bedrock_port"
proxy="http://127.0.0.1:$proxy_port"
converse="$bedrock/model/amazon.nova-lite-v1:0/converse"
chat="$proxy/v1/chat/completions"
export AWS_ACCESS_KEY_ID=BNPLOCALTESTACCESSKEY AWS_SECRET_ACCESS_KEY=bnp-local-test-secret-not-a-real-key AWS_REGION=us-east-1
# --perf: the runtime writes /tmp/perf-<pid>.map so perf can name JIT-compiled frames (W^X off: code in one mapping).
profiling=()
[ -z "$perfout" ] || profiling=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
Logging__LogLevel__Default=Warning dotnet emulators/bedrock/bin/Release/net10.0/BedrockNovaProxy.Emulators.Bedrock.dll \
  --urls "$bedrock" >"$work/bedrock.log" 2>&1 &
pids+=($!); bedrock_pid=$!
key=sk-bench-0123456789abcdef
key_sha=$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)
env "${profiling[@]}" "${proxy_env[@]}" ASPNETCORE_URLS="$proxy" AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$bedrock" \
  Logging__LogLevel__Default=Warning Proxy__Telemetry__Emf=false \
  Proxy__ModelAliases__0__Alias=gpt-4o-mini Proxy__ModelAliases__0__Model=amazon.nova-lite-v1:0 \
  Proxy__Auth__Keys__0__Name=bench Proxy__Auth__Keys__0__Sha256="$key_sha" \
  "${proxy_cmd[@]}" >"$work/proxy.log" 2>&1 &
pids+=($!); proxy_pid=$!
wait_for "$bedrock/_emulator/health"
wait_for "$proxy/health"

# wrk scripts for a prompt: the proxied request, and the direct one with the headers botocore signs. The local Bedrock
# accepts a signature for 5 minutes, so each measurement signs its own just before it starts.
scripts() { # name prompt
  python3 - "$work/$1" "$converse" "$key" "$2" <<'PY'
import json, sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
prefix, url, key, prompt = sys.argv[1:]
def lua(path, headers, body):
    lines = ['wrk.method = "POST"', f'wrk.body = {json.dumps(body)}']
    lines += [f'wrk.headers[{json.dumps(k)}] = {json.dumps(v)}' for k, v in headers.items()]
    open(path, "w").write("\n".join(lines) + "\n")
chat = json.dumps({"model": "gpt-4o-mini", "max_tokens": 32, "messages": [{"role": "user", "content": prompt}]})
lua(f"{prefix}-proxy.lua", {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}, chat)
converse = json.dumps({"messages": [{"role": "user", "content": [{"text": prompt}]}], "inferenceConfig": {"maxTokens": 32}})
request = AWSRequest(method="POST", url=url, data=converse, headers={"Content-Type": "application/json"})
SigV4Auth(Credentials("BNPLOCALTESTACCESSKEY", "bnp-local-test-secret-not-a-real-key"), "bedrock", "us-east-1").add_auth(request)
lua(f"{prefix}-direct.lua", {k: v for k, v in request.headers.items() if k.lower() != "content-length"}, converse)
PY
  cat "$work/$1-proxy.lua" scripts/bench/pace.lua >"$work/$1-proxy-paced.lua"
  cat "$work/$1-direct.lua" scripts/bench/pace.lua >"$work/$1-direct-paced.lua"
}

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
cpu() { awk -v d="$1" -v q="$2" -v hz="$hz" 'BEGIN { printf "%.3f", (q > 0 ? d * 1000 / hz / q : 0) }'; }
measure() { # url script connections [script args...] -> sets out, requests, proxy_cpu, bedrock_cpu
  local url=$1 script=$2 connections=$3 p0 b0; shift 3
  p0=$(ticks "$proxy_pid"); b0=$(ticks "$bedrock_pid")
  out=$(wrk -t2 -c"$connections" -d"$duration" --latency -s "$script" "$url" ${1:+--} "$@")
  if grep -q "Non-2xx" <<<"$out"; then echo "bench: $url answered non-2xx: $out" >&2; exit 1; fi
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  proxy_cpu=$(cpu $(($(ticks "$proxy_pid") - p0)) "$requests")
  bedrock_cpu=$(cpu $(($(ticks "$bedrock_pid") - b0)) "$requests")
}

if wants saturation; then
  scripts instant '[[latency:ttft=0,tps=0]] Reply with one short sentence.'
  # Warm-up: the JIT's tiering needs tens of seconds of load; 3 s of it left the first proxy rep at 75% of the later ones.
  wrk -t2 -c"$connections" -d"$duration" -s "$work/instant-direct.lua" "$converse" >/dev/null
  for _ in 1 2; do wrk -t2 -c"$connections" -d"$duration" -s "$work/instant-proxy.lua" "$chat" >/dev/null; done
  echo "### Saturation: wrk, $connections connections, closed loop, model answering at once"
  echo
  echo "| run | req/s | p50 | p99 | proxy CPU ms/req | local Bedrock CPU ms/req |"
  echo "|---|---|---|---|---|---|"
  for rep in $(seq 1 "$reps"); do
    for side in direct proxy; do
      url=$converse; [ "$side" = proxy ] && url=$chat
      measure "$url" "$work/instant-$side.lua" "$connections"
      awk -v n="$side $rep" -v pc="$proxy_cpu" -v bc="$bedrock_cpu" '/Requests\/sec/ { r = $2 } $1 == "50%" { a = $2 } $1 == "99%" { b = $2 }
        END { printf "| %s | %s | %s | %s | %s | %s |\n", n, r, a, b, pc, bc }' <<<"$out"
    done
  done
  echo
fi

if wants rate; then
  scripts paced '[[latency:ttft=50,tps=0]] Reply with one short sentence.'
  # Enough connections for the rate at 50 ms a request, twice over.
  paced_connections=$(( (rate / 10 + 1) * 2 ))
  for side in direct proxy; do
    url=$converse; [ "$side" = proxy ] && url=$chat
    wrk -t2 -c"$paced_connections" -d"$duration" -s "$work/paced-$side-paced.lua" "$url" -- "$rate" 2 >/dev/null
  done
  echo "### Constant rate: $rate req/s (wrk with scripts/bench/pace.lua), model 50 ms to first token; latency in ms from each send"
  echo
  echo "| rep | direct req/s | proxy req/s | p50 direct / proxy / added | p99 direct / proxy / added | p99.9 direct / proxy / added | proxy CPU ms/req | local Bedrock CPU ms/req (proxied) |"
  echo "|---|---|---|---|---|---|---|---|"
  for rep in $(seq 1 "$reps"); do
    measure "$converse" "$work/paced-direct-paced.lua" "$paced_connections" "$rate" 2
    direct_line=$(grep '^pace:' <<<"$out")
    measure "$chat" "$work/paced-proxy-paced.lua" "$paced_connections" "$rate" 2
    proxy_line=$(grep '^pace:' <<<"$out")
    awk -v rep="$rep" -v d="$direct_line" -v p="$proxy_line" -v pc="$proxy_cpu" -v bc="$bedrock_cpu" 'BEGIN {
      split(d, dv, /[ =]/); split(p, pv, /[ =]/)
      # fields: pace: rate R p50 X p99 Y p999 Z max M ...
      printf "| %s | %s | %s |", rep, dv[3], pv[3]
      for (i = 5; i <= 9; i += 2) printf " %.2f / %.2f / %+.2f |", dv[i] / 1000, pv[i] / 1000, (pv[i] - dv[i]) / 1000
      printf " %s | %s |\n", pc, bc }'
  done
  echo
fi

if wants stream; then
  echo "### Streaming"
  echo
  dotnet local/bin/Release/net10.0/local.dll bench --streams "$streams" --reps "$reps" --duration "$duration" --ttft-ms 50 --tps 400 \
    --proxy-url "$proxy" --bedrock-url "$bedrock" --api-key "$key"
fi

echo "Peak RSS over the run: proxy $(awk '/VmHWM/ { print $2, $3 }' "/proc/$proxy_pid/status"), local Bedrock $(awk '/VmHWM/ { print $2, $3 }' "/proc/$bedrock_pid/status")."

if [ -n "$trace" ] || [ -n "$perfout" ]; then
  scripts instant '[[latency:ttft=0,tps=0]] Reply with one short sentence.'
fi
if [ -n "$trace" ]; then
  dotnet tool restore >/dev/null
  dotnet tool run dotnet-trace collect -p "$proxy_pid" --profile dotnet-common,dotnet-sampled-thread-time --duration 00:00:00:10 -o "$trace" >/dev/null &
  tracer=$!
  sleep 1 # let the session attach before the load starts
  wrk -t2 -c"$connections" -d10s -s "$work/instant-proxy.lua" "$chat" >/dev/null
  wait "$tracer"
  echo "trace: $trace"
fi
if [ -n "$perfout" ]; then
  wrk -t2 -c"$connections" -d12s -s "$work/instant-proxy.lua" "$chat" >/dev/null &
  load=$!
  sleep 1
  perf record -F 499 -g -p "$proxy_pid" -o "$work/perf.data" -- sleep 10 2>/dev/null
  wait "$load"
  perf script -i "$work/perf.data" 2>/dev/null | python3 scripts/bench/flamegraph.py fold >"$perfout"
  echo "profile: $perfout (python3 scripts/bench/flamegraph.py svg < $perfout > flame.svg)"
fi
