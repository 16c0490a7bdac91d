-- wrk script: POST /api/v1/applications as a logged-in user.
-- wrk cannot log in by itself, so bench/run.sh obtains a bearer token from POST /api/v1/session
-- and passes it in TOKEN. ITEM and FIELDS (a JSON object) can be overridden the same way.
--
--   TOKEN=... wrk -t2 -c32 -d10s -s bench/submit.lua http://127.0.0.1:8080

local token = os.getenv("TOKEN")
if token == nil or token == "" then
  error("set TOKEN to a bearer token from POST /api/v1/session")
end

-- A personal item whose materials all come from shared data, so one call submits it.
local item = os.getenv("ITEM") or "hrss.social-security-card"
local fields = os.getenv("FIELDS") or
  '{"delivery_address":"上海市浦东新区世纪大道100号","contact_phone":"13800138000"}'

wrk.method = "POST"
wrk.path = "/api/v1/applications"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.body = '{"item":"' .. item .. '","channel":"web","fields":' .. fields .. '}'

-- No response() callback: defining one makes wrk hand every response to Lua and slows the client.
function done(summary, latency, requests)
  io.stderr:write(string.format("submit.lua: %d requests, %d answered with a non-2xx/3xx status\n",
    summary.requests, summary.errors.status))
end
