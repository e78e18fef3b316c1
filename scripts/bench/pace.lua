-- wrk at a constant arrival rate: wrk -t T -c C -s pace.lua URL -- <requests per second> <T>
-- Each thread sends on its own schedule of evenly spaced slots (rate / T per second); a connection that comes free
-- takes the next slot and waits for it, so the rate holds while answers take less than C / rate seconds. Latency is
-- wrk's, from each request's send. Needs wrk's LuaJIT (its FFI gives the monotonic clock Lua lacks).
-- done() prints one line: achieved rate, latency percentiles in microseconds, non-2xx and socket errors.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bnp_timespec;
int clock_gettime(int clock_id, bnp_timespec *now);
]]
local now = ffi.new("bnp_timespec")
local CLOCK_MONOTONIC = 1

local function clock_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, now)
  return tonumber(now.tv_sec) * 1000 + tonumber(now.tv_nsec) / 1e6
end

local interval, next_slot

function init(args)
  local rate, threads = tonumber(args[1]), tonumber(args[2])
  interval = 1000 * threads / rate
  -- Threads start at random points of one interval, so their slots interleave instead of coinciding.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 1000)
  next_slot = clock_ms() + math.random() * interval
end

function delay()
  local wait = next_slot - clock_ms()
  next_slot = next_slot + interval
  return wait > 0 and wait or 0
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("pace: rate=%.1f p50=%d p99=%d p999=%d max=%d non2xx=%d socket=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    latency.max, e.status, e.connect + e.read + e.write + e.timeout))
end
