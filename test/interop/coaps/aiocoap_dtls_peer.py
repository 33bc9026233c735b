"""aiocoap with DTLSSocket (tinydtls) as an LwM2M client over coaps, DTLS 1.2 PSK, for the coaps interop tests.

Run with the virtual environment of the stack hooks deploy/local/hooks/after-up.d/52-aiocoap.sh (aiocoap) and
53-aiocoap-dtls.sh (DTLSSocket):
    .local/opt/aiocoap/bin/python test/interop/coaps/aiocoap_dtls_peer.py \
        BASE ENDPOINT IDENTITY KEY_HEX STEPS [TIMEOUT_S]

BASE is coaps://127.0.0.1:PORT; STEPS a comma-separated list of register, send, update, deregister, run in order
from one client context (aiocoap keeps one DTLS connection per server and PSK identity). Each step reports one
JSON line: {"event": "response", "step", "code", "location"?, "payload"?} or, when the request failed (handshake
refused, no answer within TIMEOUT_S), {"event": "error", "step", "error", "cause"}, after which the peer stops;
"cause" is what tinydtls reported, e.g. ["FatalDTLSError", 51] for a fatal decrypt_error alert (RFC 5246
section 7.2). The first line is {"event": "ready", "dtls_missing": [...]}: the modules aiocoap lacks for its
tinydtls transport (none, or the test fails there, naming them).
"""

import asyncio
import json
import sys

import aiocoap
import aiocoap.defaults
from aiocoap import Code, Message


def report(**fields):
    print(json.dumps(fields), flush=True)


async def main(base, endpoint, identity, key_hex, steps, timeout="30"):
    report(event="ready", dtls_missing=aiocoap.defaults.dtls_missing_modules())
    ctx = await aiocoap.Context.create_client_context()
    # aiocoap's credential store: PSK and identity for every URI under the server (aiocoap/transports/tinydtls.py).
    ctx.client_credentials.load_from_dict(
        {base + "/*": {"dtls": {"psk": bytes.fromhex(key_hex), "client-identity": identity.encode()}}}
    )
    location = []
    for step in steps.split(","):
        if step == "register":
            request = Message(
                code=Code.POST,
                uri=base + "/rd?ep=%s&lt=300&lwm2m=1.1&b=U" % endpoint,
                payload=b"</1/0>,</3/0>,</3303/0>",
                content_format=40,
            )
        elif step == "send":
            # LwM2M 1.1 Send (Core 1.1.1 section 6.4.6): SenML JSON (content format 110).
            request = Message(
                code=Code.POST,
                uri=base + "/dp",
                payload=b'[{"bn":"/3303/0/","n":"5700","v":19.25}]',
                content_format=110,
            )
        elif step == "update":
            request = Message(code=Code.POST, uri=base + "/" + "/".join(location))
        elif step == "deregister":
            request = Message(code=Code.DELETE, uri=base + "/" + "/".join(location))
        else:
            raise SystemExit("unknown step " + step)
        try:
            response = await asyncio.wait_for(ctx.request(request).response, float(timeout))
        except Exception as e:  # a refused handshake surfaces as a NetworkError, silence as a timeout
            # aiocoap wraps what tinydtls reported (FatalDTLSError(alert description)) as the NetworkError's cause.
            cause = e.__cause__
            report(
                event="error",
                step=step,
                error="%s: %s" % (type(e).__name__, e),
                cause=None if cause is None else [type(cause).__name__, *cause.args],
            )
            break
        fields = {"event": "response", "step": step, "code": response.code.dotted}
        if step == "register" and response.code.is_successful():
            location = list(response.opt.location_path)
            fields["location"] = "/" + "/".join(location)
        if not response.code.is_successful():
            fields["payload"] = response.payload.decode(errors="replace")
        report(**fields)
        if not response.code.is_successful():
            break
    await ctx.shutdown()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
