#!/usr/bin/env bash
# After the local stack is up: Debian's libcoap command-line client (libcoap3-bin 4.3.1), an independent CoAP
# implementation the coap-ingest interoperability tests register with (apps/coap-ingest/src/*coap-client*).
set -euo pipefail
if command -v coap-client-notls >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "libcoap3-bin missing: run 'apt-get install -y libcoap3-bin' as root" >&2
  exit 0
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -q libcoap3-bin >/dev/null
