-- Closed-loop password sign-ins: each connection sends the next sign-in the moment it has its
-- answer. STORM_TARGET=kordon posts Kordon's JSON to /api/v1/login/password; keycloak posts a
-- grant_type=password form to the realm's token endpoint. Accounts are cycled; every request has
-- its own X-Forwarded-For address (believed by Kordon from loopback), so the per-IP and
-- per-account throttles run but are not what is measured.
--
-- Environment: STORM_TARGET, STORM_PATH, STORM_ACCOUNTS (how many to cycle), STORM_PASSWORD,
-- STORM_CATEGORY (kordon), STORM_CLIENT (keycloak client id), STORM_USER_PREFIX (keycloak).
--
-- Per-status latency: each request carries its own X-Request-Id, which Kordon echoes from a
-- trusted proxy; the start time is kept under that id and matched in response(). Where the
-- server does not echo it (Keycloak), only wrk's global latency is reported.
package.path = (os.getenv("WRK_DIR") or "load/wrk") .. "/?.lua;" .. package.path
local common = require("common")

local target = os.getenv("STORM_TARGET") or "kordon"
local path = os.getenv("STORM_PATH") or "/api/v1/login/password"
local accounts = tonumber(os.getenv("STORM_ACCOUNTS") or "100")
local password = os.getenv("STORM_PASSWORD") or ""
local category = os.getenv("STORM_CATEGORY") or "mobile"
local client = os.getenv("STORM_CLIENT") or "bench"
local prefix = os.getenv("STORM_USER_PREFIX") or "u"

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
  threads[#threads + 1] = thread
end

function init(args)
  n = 0
  ok, shed, other, unmatched = 0, 0, 0, 0
  ok_lat, shed_lat, statuses, starts = {}, {}, {}, {}
end

local function ip(k)
  local v = k % 0xFFFFFE + 1
  return string.format("10.%d.%d.%d", math.floor(v / 65536) % 256, math.floor(v / 256) % 256, v % 256)
end

function request()
  n = n + 1
  local k = n * 8 + tid -- unique per request for up to 8 threads: its address and id
  local account = (n + tid * 7919) % accounts -- each thread cycles every account, from its own place
  local id = "storm-" .. tid .. "-" .. n
  local headers = { ["X-Forwarded-For"] = ip(k + 0x800000), ["X-Request-Id"] = id }
  local body
  if target == "keycloak" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    body = "grant_type=password&client_id=" .. client .. "&username=" .. prefix .. account
        .. "&password=" .. password
  else
    headers["Content-Type"] = "application/json"
    body = string.format('{"category":"%s","login":"+37533%07d","password":"%s"}', category, account, password)
  end
  starts[id] = common.now_ms()
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  local now = common.now_ms()
  local id = headers["X-Request-Id"] or headers["x-request-id"]
  local t0 = id and starts[id]
  local ms = nil
  if t0 then
    starts[id] = nil
    ms = now - t0
  else
    unmatched = unmatched + 1
  end
  if status == 200 then
    ok = ok + 1
    if ms then ok_lat[#ok_lat + 1] = ms end
  elseif status == 503 then
    shed = shed + 1
    if ms then shed_lat[#shed_lat + 1] = ms end
  else
    other = other + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local tok, tshed, tother, tunmatched = 0, 0, 0, 0
  local all_ok, all_shed, all_statuses = {}, {}, {}
  for _, t in ipairs(threads) do
    tok = tok + t:get("ok")
    tshed = tshed + t:get("shed")
    tother = tother + t:get("other")
    tunmatched = tunmatched + t:get("unmatched")
    for _, v in ipairs(t:get("ok_lat")) do all_ok[#all_ok + 1] = v end
    for _, v in ipairs(t:get("shed_lat")) do all_shed[#all_shed + 1] = v end
    for s, c in pairs(t:get("statuses")) do all_statuses[s] = (all_statuses[s] or 0) + c end
  end
  table.sort(all_ok)
  table.sort(all_shed)
  local st = {}
  for s, c in pairs(all_statuses) do st[#st + 1] = s .. ":" .. c end
  common.result(summary, latency, {
    "ok=" .. tok, "shed=" .. tshed, "other=" .. tother, "unmatched=" .. tunmatched,
    "other_statuses=" .. (#st > 0 and table.concat(st, ",") or "-"),
    string.format("ok_p50_ms=%.2f", common.pct(all_ok, 50)),
    string.format("ok_p99_ms=%.2f", common.pct(all_ok, 99)),
    string.format("shed_p50_ms=%.2f", common.pct(all_shed, 50)),
    string.format("shed_p99_ms=%.2f", common.pct(all_shed, 99)),
    "ok_timed=" .. #all_ok, "shed_timed=" .. #all_shed,
  })
end
