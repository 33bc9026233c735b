package org.smartcity.interop.leshanclient;

import java.net.InetAddress;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.coap.OptionSet;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.interceptors.MessageInterceptorAdapter;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.AlertMessage;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.DTLSContext;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.dtls.SessionAdapter;
import org.eclipse.leshan.client.californium.endpoint.CaliforniumClientEndpointFactory;
import org.eclipse.leshan.client.californium.endpoint.coap.CoapClientEndpointFactory;
import org.eclipse.leshan.client.californium.endpoint.coap.CoapClientProtocolProvider;
import org.eclipse.leshan.client.californium.endpoint.coaps.CoapsClientEndpointFactory;
import org.eclipse.leshan.client.californium.endpoint.coaps.CoapsClientProtocolProvider;
import org.eclipse.leshan.client.endpoint.ClientEndpointToolbox;
import org.eclipse.leshan.client.servers.ServerInfo;

/**
 * Leshan's CoAP and CoAPs endpoint factories with two additions: a message interceptor that reports what crosses
 * the wire (the server's requests and the client's answers and notifications; the client's own requests and the
 * server's answers), and, for DTLS, Scandium's handshake outcome and the alerts it receives.
 */
final class Tracing {
    private Tracing() {
    }

    /** The endpoint of the current session, for `rebind` (one server, so one endpoint at a time). */
    static volatile CoapEndpoint current;

    static final class Coap extends CoapClientProtocolProvider {
        @Override
        public CaliforniumClientEndpointFactory createDefaultEndpointFactory() {
            return new CoapClientEndpointFactory() {
                @Override
                public CoapEndpoint createCoapEndpoint(InetAddress address, Configuration config, ServerInfo info,
                        boolean clientInitiatedOnly, List<Certificate> trustStore, ClientEndpointToolbox toolbox) {
                    return traced(super.createCoapEndpoint(address, config, info, clientInitiatedOnly, trustStore,
                            toolbox));
                }
            };
        }
    }

    static final class Coaps extends CoapsClientProtocolProvider {
        @Override
        public CaliforniumClientEndpointFactory createDefaultEndpointFactory() {
            return new CoapsClientEndpointFactory() {
                @Override
                public CoapEndpoint createCoapEndpoint(InetAddress address, Configuration config, ServerInfo info,
                        boolean clientInitiatedOnly, List<Certificate> trustStore, ClientEndpointToolbox toolbox) {
                    return traced(super.createCoapEndpoint(address, config, info, clientInitiatedOnly, trustStore,
                            toolbox));
                }

                @Override
                protected Connector createSecuredConnector(DtlsConnectorConfig dtlsConfig) {
                    DTLSConnector connector = new DTLSConnector(
                            DtlsConnectorConfig.builder(dtlsConfig).setSessionListener(new HandshakeReporter()).build());
                    connector.setAlertHandler((peer, alert) -> {
                        ObjectNode e = Events.event("dtls-alert");
                        // Null for a fatal alert that ends a handshake: Scandium removed the connection first. A
                        // throw here would also keep Scandium from reporting the failed handshake.
                        e.put("peer", String.valueOf(peer));
                        alert(e, alert);
                        Events.emit(e);
                    });
                    return connector;
                }
            };
        }
    }

    private static CoapEndpoint traced(CoapEndpoint endpoint) {
        if (endpoint != null) {
            endpoint.addInterceptor(new Interceptor());
            current = endpoint;
        }
        return endpoint;
    }

    static void alert(ObjectNode e, AlertMessage alert) {
        if (alert == null)
            return;
        ObjectNode a = e.putObject("alert");
        a.put("level", alert.getLevel().name().toLowerCase());
        a.put("description", alert.getDescription().name().toLowerCase());
    }

    /** Scandium's handshake events: completed with the negotiated suite and connection ids, or failed. */
    static final class HandshakeReporter extends SessionAdapter {
        @Override
        public void handshakeStarted(Handshaker handshaker) {
            ObjectNode e = Events.event("dtls-handshake-started");
            e.put("peer", String.valueOf(handshaker.getPeerAddress()));
            e.put("full", handshaker.isFullHandshake());
            Events.emit(e);
        }

        @Override
        public void handshakeCompleted(Handshaker handshaker) {
            ObjectNode e = Events.event("dtls-handshake-ok");
            DTLSContext context = handshaker.getDtlsContext();
            e.put("peer", String.valueOf(handshaker.getPeerAddress()));
            e.put("full", handshaker.isFullHandshake());
            e.put("cipherSuite", String.valueOf(context.getSession().getCipherSuite()));
            // RFC 9146 §3: the write CID is the one the server asked for (put in the records the client sends);
            // null when the server did not negotiate the extension, "" for an empty CID.
            e.put("cidWrite", hex(context.getWriteConnectionId()));
            e.put("cidRead", hex(context.getReadConnectionId()));
            Events.emit(e);
        }

        @Override
        public void handshakeFailed(Handshaker handshaker, Throwable error) {
            ObjectNode e = Events.event("dtls-handshake-failed");
            e.put("peer", String.valueOf(handshaker.getPeerAddress()));
            e.put("error", error.getClass().getSimpleName() + ": " + error.getMessage());
            if (error instanceof HandshakeException)
                alert(e, ((HandshakeException) error).getAlert());
            Events.emit(e);
        }
    }

    private static String hex(ConnectionId cid) {
        return cid == null ? null : cid.getAsString();
    }

    static String code(int raw) {
        return (raw >> 5) + "." + String.format("%02d", raw & 31);
    }

    /** The LwM2M operation a server request carries (Transport 1.1.1 §6.4 binding table). */
    static String operation(Request r) {
        OptionSet o = r.getOptions();
        String method = r.getCode().name();
        boolean observe = o.hasObserve() && o.getObserve() == 0;
        boolean cancel = o.hasObserve() && o.getObserve() == 1;
        switch (method) {
        case "GET":
            if (o.hasAccept() && o.getAccept() == 40)
                return "discover";
            return observe ? "observe" : cancel ? "cancel-observe" : "read";
        case "FETCH":
            return observe ? "observe-composite" : cancel ? "cancel-observe-composite" : "read-composite";
        case "PUT":
            return r.getPayloadSize() == 0 && o.getURIQueryCount() > 0 ? "write-attributes" : "write";
        case "POST":
            return o.getURIPathCount() >= 3 ? "execute" : o.getURIPathCount() == 2 ? "write" : "create";
        case "IPATCH":
            return "write-composite";
        case "DELETE":
            return "delete";
        default:
            return method.toLowerCase();
        }
    }

    private static final class Interceptor extends MessageInterceptorAdapter {
        /** Observe requests whose first answer has not left yet: later answers on the token are notifications. */
        private final Set<String> pendingObserve = Collections.synchronizedSet(new java.util.HashSet<>());
        /** Recent notifications (token + MID): a retransmitted CON notification is reported once. */
        private final Map<String, Boolean> sent = Collections.synchronizedMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > 256;
            }
        });

        @Override
        public void receiveRequest(Request request) {
            String op = operation(request);
            if (op.equals("observe") || op.equals("observe-composite"))
                pendingObserve.add(request.getTokenString());
            ObjectNode e = message("request", request);
            e.put("op", op);
            e.put("method", request.getCode().name());
            Events.emit(e);
        }

        @Override
        public void sendResponse(Response response) {
            boolean notification = response.getOptions().hasObserve()
                    && !pendingObserve.remove(response.getTokenString());
            if (notification && sent.put(response.getTokenString() + "/" + response.getMID(), true) != null)
                return;
            ObjectNode e = message(notification ? "notification" : "response", response);
            e.put("code", code(response.getRawCode()));
            Events.emit(e);
        }

        @Override
        public void sendRequest(Request request) {
            ObjectNode e = message("uplink", request);
            e.put("method", request.getCode().name());
            Events.emit(e);
        }

        @Override
        public void receiveResponse(Response response) {
            ObjectNode e = message("uplink-response", response);
            e.put("code", code(response.getRawCode()));
            Events.emit(e);
        }

        private static ObjectNode message(String name, Message m) {
            OptionSet o = m.getOptions();
            ObjectNode e = Events.event(name);
            e.put("type", m.getType().name());
            e.put("mid", m.getMID());
            e.put("token", m.getTokenString());
            if (o.getURIPathCount() > 0)
                e.put("path", "/" + o.getUriPathString());
            if (o.getURIQueryCount() > 0)
                e.put("query", o.getUriQueryString());
            if (o.hasObserve())
                e.put("observe", o.getObserve());
            if (o.hasContentFormat())
                e.put("contentFormat", o.getContentFormat());
            if (o.hasAccept())
                e.put("accept", o.getAccept());
            if (o.getLocationPathCount() > 0)
                e.put("location", "/" + o.getLocationPathString());
            org.eclipse.californium.elements.EndpointContext context = m.getSourceContext() != null
                    ? m.getSourceContext()
                    : m.getDestinationContext();
            if (context != null && context.getPeerAddress() != null)
                e.put("peer", context.getPeerAddress().toString());
            e.put("payload", Events.base64(m.getPayload()));
            return e;
        }
    }
}
