-- wrk script of scripts/load-test.sh: statement pages of almen serve at a
-- fixed rate. Each connection waits between its requests so that all of
-- them together send ALMEN_RATE requests per second; 70 % honorar-
-- specifikationer (/api/statements), 30 % their drill-down (/api/lines).
-- Env: ALMEN_COOKIE, ALMEN_RATE, ALMEN_CONNS, ALMEN_PATHS (a file, one path a line).
local paths = {}
local cookie = os.getenv("ALMEN_COOKIE")
local rate = tonumber(os.getenv("ALMEN_RATE") or "500")
local conns = tonumber(os.getenv("ALMEN_CONNS") or "16")

function init(args)
  for line in io.lines(os.getenv("ALMEN_PATHS")) do paths[#paths + 1] = line end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], { ["Cookie"] = cookie })
end

function delay()
  return conns * 1000 / rate
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("wrk: %d requests in %.1f s (%.1f req/s); errors: connect %d, read %d, write %d, timeout %d, status (non-2xx) %d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    e.connect, e.read, e.write, e.timeout, e.status))
  io.write(string.format("wrk: latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
