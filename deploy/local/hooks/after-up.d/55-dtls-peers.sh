#!/usr/bin/env bash
# After the local stack is up: independent DTLS 1.2 stacks the libs/dtls interoperability tests
# (libs/dtls/src/**/*.int-spec.ts) run against our DtlsServerTransport / DtlsClientTransport:
#  - gnutls-bin: gnutls-cli / gnutls-serv (GnuTLS), `--udp` for DTLS;
#  - openssl: s_client / s_server -dtls1_2 (OpenSSL);
#  - libcoap3-bin: coap-client-openssl / coap-client-gnutls (installed by 50-libcoap.sh, checked here too).
# Idempotent: installs only what is missing.
set -euo pipefail
missing=()
command -v gnutls-cli >/dev/null 2>&1 || missing+=(gnutls-bin)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v coap-client-openssl >/dev/null 2>&1 || missing+=(libcoap3-bin)
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "DTLS interop peers missing: run 'apt-get install -y ${missing[*]}' as root" >&2
  exit 0
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
