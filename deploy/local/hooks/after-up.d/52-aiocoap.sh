#!/usr/bin/env bash
# After the local stack is up: PyPI's aiocoap, a second independent CoAP implementation (Python) the CoAP
# interoperability tests (test/interop/coap/*.int-spec.ts) use as client, observer and server. Installed with the
# machine's python3 into a project-local virtual environment, .local/opt/aiocoap (git-ignored), so nothing
# outside the checkout changes. Idempotent: does nothing when the pinned version is already there.
set -euo pipefail
AIOCOAP_VERSION=0.4.17
venv=.local/opt/aiocoap
installed() {
  "$venv/bin/python" -c "import aiocoap.meta, sys; sys.exit(aiocoap.meta.version != '$AIOCOAP_VERSION')" 2>/dev/null
}
if installed; then exit 0; fi
command -v python3 >/dev/null 2>&1 || {
  echo "python3 missing: aiocoap cannot be installed" >&2
  exit 1
}
# Debian's python3 creates virtual environments only with python3-venv (ensurepip) installed.
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "python3 cannot create a venv: run 'apt-get install -y python3-venv' as root" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >/dev/null
fi
# A venv whose interpreter went away (python3 upgraded or moved) cannot be repaired: start afresh.
if [ -d "$venv" ] && ! "$venv/bin/python" -c '' 2>/dev/null; then rm -rf "$venv"; fi
[ -d "$venv" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check "aiocoap==$AIOCOAP_VERSION"
installed || {
  echo "aiocoap $AIOCOAP_VERSION did not install into $venv" >&2
  exit 1
}
