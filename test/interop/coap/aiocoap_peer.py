"""aiocoap (PyPI, an independent CoAP implementation) as a peer of the CoAP interoperability tests.

Run with the virtual environment the stack hook deploy/local/hooks/after-up.d/52-aiocoap.sh installs:
    .local/opt/aiocoap/bin/python test/interop/coap/aiocoap_peer.py <command> ...

Every command reports on stdout, one JSON object per line, so the test can wait for a line (a sentinel) instead of
sleeping. Commands:
  get URI OUT                  GET (Block2 reassembled by aiocoap), body to the file OUT
  put URI FILE CF / post ...   PUT/POST the file's bytes with Content-Format CF (Block1 by aiocoap)
  observe URI COUNT            observe; after COUNT notifications cancel (aiocoap forgets the token, so the next
                               notification is answered with a Reset, RFC 7641 section 3.6), then wait for stdin EOF
  lwm2m-send BASE EP FILE CF   Register (POST /rd), Send (POST /dp, Block1), De-register, from one socket
  server PORT SIZE             serve /large (SIZE bytes), /obs (observable, one notification per stdin line
                               "notify"), /sink (PUT/POST stores the body, GET returns it)
"""

import asyncio
import json
import sys

import aiocoap
import aiocoap.resource as resource
from aiocoap import Code, Message


def report(**fields):
    print(json.dumps(fields), flush=True)


def large_body(size):
    """The same deterministic bytes as largeBody() in coap-peers.ts: every byte value occurs."""
    return bytes((i * 7 + (i >> 8)) % 256 for i in range(size))


def code_text(code):
    return code.dotted


async def stdin_lines():
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            return
        yield line.decode().strip()


async def get(uri, out):
    ctx = await aiocoap.Context.create_client_context()
    response = await ctx.request(Message(code=Code.GET, uri=uri)).response
    with open(out, "wb") as f:
        f.write(response.payload)
    report(event="response", code=code_text(response.code), size=len(response.payload))
    await ctx.shutdown()


async def upload(method, uri, path, content_format):
    ctx = await aiocoap.Context.create_client_context()
    with open(path, "rb") as f:
        payload = f.read()
    request = Message(code=method, uri=uri, payload=payload, content_format=int(content_format))
    response = await ctx.request(request).response
    report(event="response", code=code_text(response.code))
    await ctx.shutdown()


async def observe(uri, count):
    ctx = await aiocoap.Context.create_client_context()
    request = ctx.request(Message(code=Code.GET, uri=uri, observe=0))
    first = await request.response
    report(event="response", code=code_text(first.code), observe=first.opt.observe, payload=first.payload.hex())
    seen = 0
    async for notification in request.observation:
        seen += 1
        report(event="notification", observe=notification.opt.observe, payload=notification.payload.hex())
        if seen >= int(count):
            break
    # Leaving the iteration cancels the observation: aiocoap drops the token and Resets the next notification.
    if not request.observation.cancelled:
        request.observation.cancel()
    report(event="cancelled")
    async for _ in stdin_lines():
        pass
    await ctx.shutdown()


async def lwm2m_send(base, endpoint, path, content_format):
    ctx = await aiocoap.Context.create_client_context()
    register = Message(
        code=Code.POST,
        uri=base + "/rd?ep=%s&lt=300&lwm2m=1.1&b=U" % endpoint,
        payload=b"</1/0>,</3/0>,</3303/0>",
        content_format=40,
    )
    registered = await ctx.request(register).response
    location = list(registered.opt.location_path)
    report(event="registered", code=code_text(registered.code), location=location)
    with open(path, "rb") as f:
        payload = f.read()
    send = Message(code=Code.POST, uri=base + "/dp", payload=payload, content_format=int(content_format))
    sent = await ctx.request(send).response
    report(event="sent", code=code_text(sent.code))
    deregister = Message(code=Code.DELETE, uri=base + "/" + "/".join(location))
    deregistered = await ctx.request(deregister).response
    report(event="deregistered", code=code_text(deregistered.code))
    await ctx.shutdown()


class Large(resource.Resource):
    def __init__(self, size):
        super().__init__()
        self.body = large_body(size)

    async def render_get(self, request):
        return Message(payload=self.body, content_format=42)


class Sink(resource.Resource):
    def __init__(self):
        super().__init__()
        self.body = b""

    async def render_put(self, request):
        self.body = request.payload
        report(event="stored", size=len(self.body), code=str(request.code))
        return Message(code=Code.CHANGED)

    async def render_post(self, request):
        return await self.render_put(request)

    async def render_get(self, request):
        return Message(payload=self.body, content_format=42)


class Counter(resource.ObservableResource):
    def __init__(self):
        super().__init__()
        self.value = 0

    def update_observation_count(self, count):
        report(event="observers", count=count)

    def bump(self):
        self.value += 1
        self.updated_state()

    async def render_get(self, request):
        return Message(payload=b"count %d" % self.value, content_format=0)


async def server(port, size):
    counter = Counter()
    root = resource.Site()
    root.add_resource(["large"], Large(int(size)))
    root.add_resource(["sink"], Sink())
    root.add_resource(["obs"], counter)
    # UDP only: aiocoap's default server transports also bind TCP and TLS on the same port number, which the test
    # chose as a free UDP port only; a TCP listener already there made the peer exit ("address already in use").
    ctx = await aiocoap.Context.create_server_context(
        root, bind=("127.0.0.1", int(port)), transports=["udp6"]
    )
    report(event="ready", port=int(port))
    async for line in stdin_lines():
        if line == "notify":
            counter.bump()
            report(event="notified", value=counter.value)
    await ctx.shutdown()


COMMANDS = {
    "get": get,
    "put": lambda uri, path, cf: upload(Code.PUT, uri, path, cf),
    "post": lambda uri, path, cf: upload(Code.POST, uri, path, cf),
    "observe": observe,
    "lwm2m-send": lwm2m_send,
    "server": server,
}

if __name__ == "__main__":
    asyncio.run(COMMANDS[sys.argv[1]](*sys.argv[2:]))
