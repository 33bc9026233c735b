package org.smartcity.interop.leshanclient;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;

/**
 * A stand-in DTLS server for the harness's own tests of RFC 9146: Scandium with server-side connection IDs and a
 * registration interface reduced to Register (2.01, Location-Path rd/1), Update (2.04) and De-register (2.02). It
 * shows that the harness and a NAT relay exercise the CID path (the connection survives the client's new address
 * without a handshake); the real target of those tests is our ingest once it speaks DTLS.
 * Arguments: pskIdentity pskKeyHex cidLength. Prints "listening" {port}, the DTLS events and each request.
 */
public final class CidTestServer {
    private CidTestServer() {
    }

    public static void main(String[] args) throws Exception {
        CoapConfig.register();
        DtlsConfig.register();
        Configuration config = Configuration.createStandardWithoutFile();
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                .setAddress(new InetSocketAddress("127.0.0.1", 0))
                .set(DtlsConfig.DTLS_ROLE, DtlsRole.SERVER_ONLY)
                .set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, Integer.parseInt(args[2]))
                .set(DtlsConfig.DTLS_CIPHER_SUITES, List.of(CipherSuite.TLS_PSK_WITH_AES_128_CCM_8))
                .setAdvancedPskStore(new AdvancedSinglePskStore(args[0], hex(args[1])))
                .setSessionListener(new Tracing.HandshakeReporter()).build();
        CoapServer server = new CoapServer(config);
        server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config).setConnector(new DTLSConnector(dtls))
                .build());
        server.add(new Registrations());
        server.start();
        ObjectNode e = Events.event("listening");
        e.put("port", server.getEndpoints().get(0).getAddress().getPort());
        Events.emit(e);
        // Runs until the driver closes stdin.
        while (System.in.read() >= 0) {
            // nothing to do
        }
        server.destroy();
        System.exit(0);
    }

    private static byte[] hex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++)
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        return out;
    }

    static void report(CoapExchange exchange, String op) {
        ObjectNode e = Events.event("server-request");
        e.put("op", op);
        e.put("peer", exchange.getSourceSocketAddress().toString());
        e.put("query", exchange.getRequestOptions().getUriQueryString());
        e.put("payload", new String(exchange.getRequestPayload(), StandardCharsets.UTF_8));
        Events.emit(e);
    }

    private static final class Registrations extends CoapResource {
        private final Resource registration = new CoapResource("1") {
            @Override
            public void handlePOST(CoapExchange exchange) {
                report(exchange, "update");
                exchange.respond(ResponseCode.CHANGED);
            }

            @Override
            public void handleDELETE(CoapExchange exchange) {
                report(exchange, "deregister");
                exchange.respond(ResponseCode.DELETED);
            }
        };

        Registrations() {
            super("rd");
            add(registration);
        }

        @Override
        public void handlePOST(CoapExchange exchange) {
            report(exchange, "register");
            exchange.setLocationPath("rd/1");
            exchange.respond(ResponseCode.CREATED);
        }
    }
}
