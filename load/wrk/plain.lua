-- A plain closed loop (hello-world, /auth/verify): one fixed request, no Lua per request, so
-- the generator spends its CPU on the wire. VERIFY_HEADER (e.g. "Authorization: Bearer ..." or
-- "Cookie: kordon-session=...") is added when set. Prints the harness's result line.
package.path = (os.getenv("WRK_DIR") or "load/wrk") .. "/?.lua;" .. package.path
local common = require("common")

local h = os.getenv("VERIFY_HEADER")
if h and h ~= "" then
  local name, value = h:match("^([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end

function done(summary, latency, requests)
  common.result(summary, latency, {})
end
