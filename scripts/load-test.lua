-- wrk script of scripts/load-test.sh: statement pages of almen serve at a
-- fixed rate. Each thread sends its share of ALMEN_RATE on a fixed schedule
-- (its k-th request is due k/rate after the start, whichever of its
-- connections is free then; a late answer does not lower the rate, as a
-- fixed delay after each answer would); 70 % honorarspecifikationer
-- (/api/statements), 30 % their drill-down (/api/lines).
-- Env: ALMEN_COOKIE, ALMEN_RATE, ALMEN_THREADS (wrk -t), ALMEN_PATHS (a file, one path a line).
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } almen_timespec;
  int clock_gettime(int clk, almen_timespec* ts);
]]
local ts = ffi.new("almen_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local paths = {}
local cookie = os.getenv("ALMEN_COOKIE")
local rate = tonumber(os.getenv("ALMEN_RATE") or "500")
local threads = tonumber(os.getenv("ALMEN_THREADS") or "2")
local interval = 1000 * threads / rate  -- ms between two requests of one thread
local start, sent = nil, 0

function init(args)
  for line in io.lines(os.getenv("ALMEN_PATHS")) do paths[#paths + 1] = line end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], { ["Cookie"] = cookie })
end

function delay()
  local now = now_ms()
  if not start then start = now end
  local due = start + sent * interval
  sent = sent + 1
  return math.max(0, math.floor(due - now + 0.5))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("wrk: %d requests in %.1f s (%.1f req/s); errors: connect %d, read %d, write %d, timeout %d, status (non-2xx) %d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    e.connect, e.read, e.write, e.timeout, e.status))
  io.write(string.format("wrk: latency p50 %.1f ms, p90 %.1f ms, p95 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
