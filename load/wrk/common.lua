-- Shared by the wrk scripts of load/run: a wall clock, the generator's own CPU time, and the
-- one result line the harness parses ("wrk-result key=value ...").
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } kordon_timespec;
  int clock_gettime(int clock_id, kordon_timespec *tp);
]]
local ts = ffi.new("kordon_timespec")
local CLOCK_MONOTONIC = 1

local M = {}

-- Milliseconds on a monotonic wall clock (os.clock is CPU time, not what a client waits).
function M.now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

-- utime + stime of this wrk process, all its threads, in seconds (/proc/self/stat, fields 14 and 15).
function M.cpu_seconds()
  local f = io.open("/proc/self/stat", "r")
  if not f then return -1 end
  local stat = f:read("*a")
  f:close()
  local rest = stat:match("%) (.*)$")
  local fields = {}
  for v in rest:gmatch("%S+") do fields[#fields + 1] = v end
  -- rest starts at field 3 (state), so utime (14) and stime (15) are its 12th and 13th.
  local hz = tonumber(os.getenv("CLK_TCK") or "100")
  return (tonumber(fields[12]) + tonumber(fields[13])) / hz
end

-- Nearest-rank percentile of a sorted array; -1 when it is empty.
function M.pct(sorted, p)
  local n = #sorted
  if n == 0 then return -1 end
  local rank = math.ceil(p / 100 * n)
  if rank < 1 then rank = 1 end
  if rank > n then rank = n end
  return sorted[rank]
end

-- The result line: wrk's own counts, its latency percentiles, and the generator's CPU.
function M.result(summary, latency, extra)
  local e = summary.errors
  local parts = {
    "requests=" .. summary.requests,
    string.format("duration_s=%.3f", summary.duration / 1e6),
    "non2xx3xx=" .. e.status,
    "connect_errors=" .. e.connect, "read_errors=" .. e.read, "write_errors=" .. e.write,
    "timeouts=" .. e.timeout,
    string.format("p50_ms=%.2f", latency:percentile(50) / 1000),
    string.format("p99_ms=%.2f", latency:percentile(99) / 1000),
    string.format("cpu_s=%.2f", M.cpu_seconds()),
  }
  for _, x in ipairs(extra or {}) do parts[#parts + 1] = x end
  io.write("wrk-result " .. table.concat(parts, " ") .. "\n")
end

return M
