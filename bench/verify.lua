-- wrk script: POST /api/v1/verify of one credential (public, no sign-in), or with VERIFY_PATH set
-- another verification route that takes {"token"} and answers {"valid":...}. bench/run.sh signs
-- the credential with an issuer key of the benchmark's database (tests' tongban_jws_sign) and
-- passes it in TOKEN; for /api/v1/identity-codes/verify it passes a person's identity code.
--
--   TOKEN=... wrk -t2 -c32 -d10s -s bench/verify.lua http://127.0.0.1:8080
--   TOKEN=... VERIFY_PATH=/api/v1/identity-codes/verify wrk ... -s bench/verify.lua http://127.0.0.1:8080

local token = os.getenv("TOKEN")
if token == nil or token == "" then
  error("set TOKEN to a credential (a compact JWS signed by an issuer key)")
end

wrk.method = "POST"
wrk.path = os.getenv("VERIFY_PATH") or "/api/v1/verify"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"token":"' .. token .. '"}'

-- Every answer must say valid: a benchmark of refusals would measure the wrong thing.
local invalid = 0
response = function(status, headers, body)
  if status ~= 200 or not string.find(body, '"valid":true', 1, true) then invalid = invalid + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("verify.lua: %d answers were not valid\n", invalid))
end
