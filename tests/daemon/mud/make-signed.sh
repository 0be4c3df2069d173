#!/bin/sh
# make-signed.sh - makes the fixtures for the MUD signature test (run once,
# outputs committed): a CA, a signer certified by it, another CA, and a
# detached CMS signature (DER) over plug.json, as RFC 8520 section 13 has it.
set -e
cd "$(dirname "$0")"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/ca.key" -out ca.pem \
	-days 36500 -subj "/CN=koban test MUD CA" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/signer.key" -out "$t/signer.csr" \
	-subj "/CN=koban test MUD signer" 2>/dev/null
openssl x509 -req -in "$t/signer.csr" -CA ca.pem -CAkey "$t/ca.key" -CAcreateserial -out "$t/signer.pem" \
	-days 36500 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/other.key" -out other-ca.pem \
	-days 36500 -subj "/CN=some other CA" 2>/dev/null
openssl cms -sign -binary -in plug.json -signer "$t/signer.pem" -inkey "$t/signer.key" -outform DER -out plug.p7s
rm -f ca.srl
