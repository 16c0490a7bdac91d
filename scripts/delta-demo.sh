#!/usr/bin/env bash
# The Yangtze River Delta on one machine (issue 14 item 6; docs/operations.md "Federation"): four
# platforms, Shanghai (sh), Zhejiang (zj), Jiangsu (js) and Anhui (ah), each a tongban process on
# 127.0.0.1 with its own port, SQLite database, signing keys and demo city. Each trusts the other
# three by fingerprint, as their administrators would: `tongban federation add-peer`, with the
# fingerprint read from the peer's GET /api/v1/platform (out of band: here, by this script).
#
#   scripts/delta-demo.sh           start them, print their addresses, stop them all on Ctrl-C
#   scripts/delta-demo.sh --check   start them, check that every platform trusts the other three and
#                                   accepts each peer's demo licence (POST /api/v1/verify), then
#                                   stop them; exits non-zero, saying what failed, otherwise
#
# DELTA_PORT: Shanghai's port (default 8181); Zhejiang, Jiangsu and Anhui take the next three.
# DELTA_DIR: the folder of their databases, configurations and logs (default: a new one under
# /tmp, removed when they stop unless DELTA_KEEP=1). TONGBAN: the binary (default build/tongban:
# run `make build` first). Needs node (installed by `make run` and `make test`) for JSON.
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TONGBAN=${TONGBAN:-$REPO_DIR/build/tongban}
BASE_PORT=${DELTA_PORT:-8181}
CHECK=0
case "${1:-}" in
  --check) CHECK=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac
[[ -x $TONGBAN ]] || { echo "delta-demo: $TONGBAN is missing; run 'make build' first" >&2; exit 2; }
command -v node >/dev/null || { echo "delta-demo: node is missing; run 'make run' or scripts/install-deps.sh" >&2; exit 2; }

CODES=(sh zj js ah)
declare -A NAME_ZH=([sh]=上海 [zj]=浙江 [js]=江苏 [ah]=安徽)
declare -A NAME_EN=([sh]=Shanghai [zj]=Zhejiang [js]=Jiangsu [ah]=Anhui)
declare -A PORT URL DB PID

if [[ -n ${DELTA_DIR:-} ]]; then
  mkdir -p "$DELTA_DIR"
  DIR=$(cd "$DELTA_DIR" && pwd)
else
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/tongban-delta.XXXXXX")
fi

stop_all() {
  local code
  for code in "${CODES[@]}"; do
    [[ -z ${PID[$code]:-} ]] || kill "${PID[$code]}" 2>/dev/null || true
  done
  for code in "${CODES[@]}"; do
    [[ -z ${PID[$code]:-} ]] || wait "${PID[$code]}" 2>/dev/null || true
  done
  [[ ${DELTA_KEEP:-0} == 1 || -n ${DELTA_DIR:-} ]] || rm -rf "$DIR"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# json FILE_OR_- EXPRESSION: evaluates EXPRESSION over the JSON document `d` read from standard input.
json() {
  node -e 'let s = ""; process.stdin.on("data", (c) => { s += c; }).on("end", () => {
    const d = JSON.parse(s); const v = eval(process.argv[1]); process.stdout.write(String(v)); });' "$1"
}

# http METHOD URL [BODY] [TOKEN]: the answer's body; fails on a transport error.
http() {
  node -e 'const [method, url, body, token] = process.argv.slice(1);
    const headers = { "content-type": "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    fetch(url, { method, headers, body: body || undefined })
      .then(async (r) => process.stdout.write(await r.text()))
      .catch((e) => { console.error(`${method} ${url}: ${e.cause?.message ?? e.message}`); process.exit(1); });' \
    "$1" "$2" "${3:-}" "${4:-}"
}

i=0
for code in "${CODES[@]}"; do
  PORT[$code]=$((BASE_PORT + i))
  URL[$code]="http://127.0.0.1:${PORT[$code]}"
  DB[$code]="sqlite:$DIR/$code.db"
  cat > "$DIR/$code.yaml" <<EOF
platform:
  code: $code
  name:
    zh: ${NAME_ZH[$code]}
    en: ${NAME_EN[$code]}
  url: ${URL[$code]}
keys:
  dir: $DIR/keys-$code
EOF
  (cd "$REPO_DIR" && exec "$TONGBAN" serve --db "${DB[$code]}" --demo --listen "127.0.0.1:${PORT[$code]}" \
    --config "$DIR/$code.yaml") > "$DIR/$code.log" 2>&1 &
  PID[$code]=$!
  i=$((i + 1))
done

for code in "${CODES[@]}"; do
  for _ in $(seq 1 600); do
    grep -q 'serving on' "$DIR/$code.log" && break
    if ! kill -0 "${PID[$code]}" 2>/dev/null; then
      echo "delta-demo: ${NAME_EN[$code]} did not start:" >&2
      tail -n 20 "$DIR/$code.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  grep -q 'serving on' "$DIR/$code.log" || { echo "delta-demo: ${NAME_EN[$code]} did not start in 60 s" >&2; exit 1; }
done

# Each platform's list key, pinned by the others.
declare -A FINGERPRINT
for code in "${CODES[@]}"; do
  FINGERPRINT[$code]=$(http GET "${URL[$code]}/api/v1/platform" | json 'd.list_key.kid')
done
for code in "${CODES[@]}"; do
  for peer in "${CODES[@]}"; do
    [[ $peer != "$code" ]] || continue
    if ! out=$(cd "$REPO_DIR" && "$TONGBAN" federation add-peer --code "$peer" --url "${URL[$peer]}" \
        --fingerprint "${FINGERPRINT[$peer]}" --db "${DB[$code]}" --config "$DIR/$code.yaml" 2>&1); then
      echo "delta-demo: ${NAME_EN[$code]} could not add ${NAME_EN[$peer]}: $out" >&2
      exit 1
    fi
  done
done

# Each platform asks the others for the items they handle for people of other provinces (跨省通办)
# now, rather than at its first periodic federation job.
for code in "${CODES[@]}"; do
  if ! out=$(cd "$REPO_DIR" && "$TONGBAN" jobs run federation --db "${DB[$code]}" --config "$DIR/$code.yaml" 2>&1); then
    echo "delta-demo: ${NAME_EN[$code]} could not fetch its peers' items: $out" >&2
    exit 1
  fi
done

if [[ $CHECK == 1 ]]; then
  failed=0
  for code in "${CODES[@]}"; do
    peers=$(cd "$REPO_DIR" && "$TONGBAN" federation list-peers --db "${DB[$code]}" --config "$DIR/$code.yaml" |
      awk '$1 ~ /^(sh|zj|js|ah)$/ { print $1 }' | sort | tr '\n' ' ')
    want=$(printf '%s\n' "${CODES[@]}" | grep -vx "$code" | sort | tr '\n' ' ')
    if [[ $peers != "$want" ]]; then
      echo "delta-demo: ${NAME_EN[$code]} trusts '${peers}', not '${want}'" >&2
      failed=1
    fi
  done
  # Each platform's demo licence (张伟's driving licence there) is accepted by every other.
  for issuer in "${CODES[@]}"; do
    token=$(http POST "${URL[$issuer]}/api/v1/session" '{"username":"zhang.wei","password":"demo-password-1"}' | json 'd.token')
    id=$(http GET "${URL[$issuer]}/api/v1/me/licences?page_size=100" "" "$token" |
      json 'd.items.find((l) => l.type === "driving_licence")?.id ?? ""')
    [[ -n $id ]] || { echo "delta-demo: ${NAME_EN[$issuer]} has no demo driving licence" >&2; failed=1; continue; }
    credential=$(http GET "${URL[$issuer]}/api/v1/licences/$id/credential" "" "$token")
    body=$(node -e 'process.stdout.write(JSON.stringify({ token: process.argv[1] }))' "$credential")
    for verifier in "${CODES[@]}"; do
      [[ $verifier != "$issuer" ]] || continue
      answer=$(http POST "${URL[$verifier]}/api/v1/verify" "$body")
      if [[ $(json 'd.valid' <<< "$answer") != true ]]; then
        echo "delta-demo: ${NAME_EN[$verifier]} refused ${NAME_EN[$issuer]}'s licence: $answer" >&2
        failed=1
      fi
    done
  done
  # Cross-province: every platform lists the other three's items; 张伟 applies in Shanghai for
  # Zhejiang's, and Zhejiang takes the case.
  for code in "${CODES[@]}"; do
    for peer in "${CODES[@]}"; do
      [[ $peer != "$code" ]] || continue
      n=$(http GET "${URL[$code]}/api/v1/federation/items?peer=$peer" | json 'd.items.length')
      [[ $n -gt 0 ]] || { echo "delta-demo: ${NAME_EN[$code]} lists no items of ${NAME_EN[$peer]}" >&2; failed=1; }
    done
  done
  token=$(http POST "${URL[sh]}/api/v1/session" '{"username":"zhang.wei","password":"demo-password-1"}' | json 'd.token')
  item=$(http GET "${URL[sh]}/api/v1/federation/items?peer=zj" | json 'd.items[0].code')
  body=$(node -e 'process.stdout.write(JSON.stringify({ item: process.argv[1], handled_by: "zj",
    fields: { destination_province: "上海", filing_reason: "work", start_date: "2026-12-01" },
    delivery: { to: "origin", address: "上海市徐汇区漕溪北路1号" } }))' "$item")
  case_id=$(http POST "${URL[sh]}/api/v1/applications" "$body" "$token" | json 'd.id ?? ""')
  taken=""
  for _ in $(seq 1 60); do
    [[ -n $case_id ]] || break
    taken=$(http GET "${URL[sh]}/api/v1/applications/$case_id" "" "$token" | json 'd.cross_province.peer_reference ?? ""')
    [[ -z $taken ]] || break
    sleep 0.5
  done
  if [[ -z $taken ]]; then
    echo "delta-demo: Shanghai's cross-province case for Zhejiang was not taken (case '$case_id')" >&2
    failed=1
  fi
  if [[ $failed == 0 ]]; then
    echo "delta-demo: 4 platforms, each trusting the other 3; every platform's demo licence verified by the other 3;"
    echo "delta-demo: each lists the other 3's cross-province items; a case filed in Shanghai was taken by Zhejiang as $taken"
  fi
  exit "$failed"
fi

echo "The Yangtze River Delta on 127.0.0.1, each platform peered with the other three:"
for code in "${CODES[@]}"; do
  printf '  %-3s %-9s %-4s %s   (log %s)\n' "$code" "${NAME_EN[$code]}" "${NAME_ZH[$code]}" "${URL[$code]}/" "$DIR/$code.log"
done
echo "Demo accounts on each (password demo-password-1): zhang.wei, li.na, reviewer.market, admin, ..."
echo "Try: a licence of one platform at another's /verify page; peers at /office/federation (admin);"
echo "     /cross-province on one platform to apply for another's item, decided there by its reviewer."
echo "Ctrl-C stops all four."
wait
