#!/usr/bin/env bash
# server_tls.sh VIGIE — HTTPS when [server] tls_cert and tls_key are set: a
# self-signed certificate made here, a login over TLS whose cookie is Secure, plain
# HTTP refused on that port, and a configuration with only one of the two files
# rejected by --check-config.
source "$(dirname "$0")/lib.sh"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
  -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null \
  || fail "openssl could not make a certificate"
db=$tmp/vigie.db
echo "operator-password" | "$vigie" user add otto --role operator --db "$db" 2>/dev/null
cat > "$tmp/vigie.conf" <<CONF
[server]
listen = 127.0.0.1
port = 0
tls_cert = cert.pem
tls_key = key.pem
CONF
expect_status 0 "$vigie" serve --check-config -c "$tmp/vigie.conf"
"$vigie" serve -c "$tmp/vigie.conf" --db "$db" --port-file "$tmp/port" 2>"$tmp/serve.log" &
pid=$!
trap 'kill -9 $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [[ -s $tmp/port ]] && break; sleep 0.1; done
[[ -s $tmp/port ]] || { cat "$tmp/serve.log" >&2; fail "serve did not start with TLS"; }
port=$(cat "$tmp/port")
expect_in "$tmp/serve.log" "listening on https://127.0.0.1:$port/"
code=$(curl -s -m 10 --cacert "$tmp/cert.pem" -D "$tmp/headers" -o "$tmp/body" -w '%{http_code}' \
  -d '{"user":"otto","password":"operator-password"}' "https://127.0.0.1:$port/api/v1/login")
[[ $code == 200 ]] || fail "login over TLS: $code $(cat "$tmp/body")"
pass
grep -i '^set-cookie:' "$tmp/headers" | grep -q 'Secure' || fail "the session cookie is not Secure: $(grep -i set-cookie "$tmp/headers")"
pass
token=$(jq -r .token "$tmp/body")
code=$(curl -s -m 10 --cacert "$tmp/cert.pem" -o /dev/null -w '%{http_code}' \
  -H "Authorization: Bearer $token" "https://127.0.0.1:$port/api/v1/me")
[[ $code == 200 ]] || fail "GET /me over TLS: $code"
pass
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v1/me" || true)
[[ $code != 200 && $code != 401 ]] || fail "plain HTTP answered on the TLS port ($code)"
pass
kill -TERM $pid; wait $pid || fail "serve did not stop cleanly"
pass
printf '[server]\ntls_cert = cert.pem\n' > "$tmp/half.conf"
expect_status 2 "$vigie" serve --check-config -c "$tmp/half.conf"
expect_in "$tmp/err" "tls_cert and tls_key go together"
done_checks
