package org.smartcity.interop.leshanclient;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.californium.endpoint.CaliforniumClientEndpointsProvider;
import org.eclipse.leshan.client.engine.DefaultRegistrationEngineFactory;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.resource.BaseInstanceEnablerFactory;
import org.eclipse.leshan.client.resource.LwM2mInstanceEnabler;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.client.send.DataSender;
import org.eclipse.leshan.client.send.DataSenderManager;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.model.LwM2mModelRepository;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mObject;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.TimestampedLwM2mNodes;
import org.eclipse.leshan.core.request.BootstrapRequest;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.DeregisterRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.eclipse.leshan.core.request.UpdateRequest;
import org.eclipse.leshan.core.response.SendResponse;
import org.eclipse.leshan.core.util.datatype.ULong;

/**
 * An Eclipse Leshan LwM2M client driven over stdin/stdout with JSON lines, for interoperability tests. Commands
 * (one JSON object a line, "cmd" plus arguments, optional "id" echoed in the "ok"/"error" answer): start, set, send,
 * update, deregister, rebind, instances, stop. Events: see Events and the README of the TypeScript driver (leshan-client.ts).
 * The LwM2M behaviour (registration engine, codecs, observe, DTLS) is Leshan's and Californium's own.
 */
public final class HarnessMain {
    private static final long SHORT_SERVER_ID = 123;

    private LeshanClient client;
    private final Map<String, ValueInstance> instances = new HashMap<>();
    private final HarnessSender sender = new HarnessSender();

    /** Gives access to Leshan's DataSenderManager, which sends timestamped values (LwM2M 1.1 Send). */
    static final class HarnessSender implements DataSender {
        volatile DataSenderManager manager;

        @Override
        public void setDataSenderManager(DataSenderManager manager) {
            this.manager = manager;
        }

        @Override
        public String getName() {
            return "HARNESS";
        }
    }

    public static void main(String[] args) throws Exception {
        HarnessMain harness = new HarnessMain();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Events.emit("ready");
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank())
                continue;
            JsonNode command = null;
            try {
                command = Events.JSON.readTree(line);
                harness.handle(command);
                answer("ok", command, null);
            } catch (Exception e) {
                answer("error", command, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        // The driver went away: leave without de-registering.
        harness.destroy(false);
        System.exit(0);
    }

    private static void answer(String name, JsonNode command, String message) {
        ObjectNode e = Events.event(name);
        if (command != null && command.has("id"))
            e.set("id", command.get("id"));
        if (command != null && command.has("cmd"))
            e.put("cmd", command.get("cmd").asText());
        if (message != null)
            e.put("message", message);
        Events.emit(e);
    }

    private void handle(JsonNode c) throws Exception {
        String cmd = c.path("cmd").asText();
        if (!cmd.equals("start") && !cmd.equals("stop") && client == null)
            throw new IllegalStateException("no client: send start first");
        switch (cmd) {
        case "start":
            start(c);
            break;
        case "set":
            set(c.path("path").asText(), c.get("value"));
            break;
        case "send":
            send(c);
            break;
        case "update":
            client.triggerRegistrationUpdate();
            break;
        case "deregister":
            // Leshan de-registers from every server and stops its engine; a later "start" is not supported.
            client.stop(true);
            break;
        case "rebind":
            rebind(c.path("update").asBoolean(false));
            break;
        case "instances":
            instances();
            break;
        case "stop":
            destroy(c.path("deregister").asBoolean(false));
            Events.emit("stopped");
            System.exit(0);
            break;
        default:
            throw new IllegalArgumentException("unknown command \"" + cmd + "\"");
        }
    }

    private void destroy(boolean deregister) {
        if (client != null)
            client.destroy(deregister);
    }

    private void start(JsonNode c) throws Exception {
        if (client != null)
            throw new IllegalStateException("already started");
        String uri = c.path("serverUri").asText();
        long lifetime = c.path("lifetime").asLong(300);

        // Object models: Leshan's OMA objects 0-7 (every version), plus DDF files the test names (IPSO, uCIFI).
        List<ObjectModel> all = new ArrayList<>(ObjectLoader.loadAllDefault());
        for (JsonNode file : c.path("models")) {
            try (InputStream in = new FileInputStream(file.asText())) {
                all.addAll(ObjectLoader.loadDdfFile(in, new File(file.asText()).getName(), false));
            }
        }
        LwM2mModelRepository repository = new LwM2mModelRepository(all);
        Map<Integer, ObjectModel> defaults = new HashMap<>();
        for (ObjectModel m : ObjectLoader.loadDefault())
            defaults.put(m.id, m);
        Map<Integer, ObjectModel> chosen = new LinkedHashMap<>();
        chosen.put(0, defaults.get(0));
        chosen.put(1, defaults.get(1));
        for (JsonNode o : c.path("objects")) {
            int id = o.path("id").asInt();
            ObjectModel model = o.hasNonNull("version") ? repository.getObjectModel(id, o.get("version").asText())
                    : defaults.containsKey(id) ? defaults.get(id) : repository.getObjectModel(id);
            if (model == null)
                throw new IllegalArgumentException("no model for object " + id + " " + o.path("version"));
            chosen.put(id, model);
        }
        ObjectsInitializer initializer = new ObjectsInitializer(new StaticModel(chosen.values()));
        Map<Integer, List<LwM2mInstanceEnabler>> objects = new LinkedHashMap<>();
        for (JsonNode o : c.path("objects")) {
            int id = o.path("id").asInt();
            ObjectModel model = chosen.get(id);
            List<LwM2mInstanceEnabler> list = new ArrayList<>();
            for (JsonNode i : o.path("instances")) {
                ValueInstance instance = new ValueInstance(i.path("id").asInt(), model, i.get("resources"));
                instances.put(id + "/" + instance.getId(), instance);
                list.add(instance);
            }
            objects.put(id, list);
            // Create (Core 1.1.1 §5.4.5): new instances start empty and take the values the server writes.
            final ObjectModel created = model;
            initializer.setFactoryForObject(id, new BaseInstanceEnablerFactory() {
                @Override
                public LwM2mInstanceEnabler create() {
                    return new ValueInstance(null, created, null);
                }
            });
        }

        JsonNode bootstrap = c.path("bootstrap");
        if (bootstrap.isObject()) {
            // Client-initiated bootstrap (Core 1.1.1 §6.1.3): only the Bootstrap-Server account (/0 with resource 1
            // true) and no Server object instance, so Leshan's engine bootstraps first; the bootstrap server then
            // creates the LwM2M server's Security and Server instances through these classes.
            initializer.setClassForObject(0, Security.class);
            initializer.setClassForObject(1, Server.class);
            Security bs = bootstrapSecurity(bootstrap.path("uri").asText(), bootstrap.path("security"));
            if (!uri.isEmpty()) {
                // Bootstrap account plus an LwM2M server account (ETS int-4: one the bootstrap must delete; int-6:
                // a valid one, so the client registers without bootstrapping). Server /1/1 is not where a bootstrap
                // server writes (/1/0), and a kept /0/1 would push its Security write to /0/2: a missing
                // Bootstrap-Delete shows as a third instance.
                bs.setId(0);
                Security dm = security(uri, c.path("security"));
                dm.setId(1);
                Server server = new Server((int) SHORT_SERVER_ID, lifetime);
                server.setId(1);
                initializer.setInstancesForObject(0, bs, dm);
                initializer.setInstancesForObject(1, server);
            } else {
                initializer.setInstancesForObject(0, bs);
            }
        } else {
            initializer.setInstancesForObject(0, security(uri, c.path("security")));
            initializer.setInstancesForObject(1, new Server((int) SHORT_SERVER_ID, lifetime));
        }
        for (Map.Entry<Integer, List<LwM2mInstanceEnabler>> e : objects.entrySet())
            if (!e.getValue().isEmpty())
                initializer.setInstancesForObject(e.getKey(), e.getValue().toArray(new LwM2mInstanceEnabler[0]));

        CaliforniumClientEndpointsProvider.Builder endpoints = new CaliforniumClientEndpointsProvider.Builder(
                new Tracing.Coap(), new Tracing.Coaps());
        Configuration config = endpoints.createDefaultConfiguration();
        JsonNode cid = c.path("connectionId");
        if (cid.isBoolean() && cid.asBoolean()) {
            // RFC 9146: 0 = support CID and use the server's, ask for none for ourselves.
            config.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 0);
        } else if (cid.isInt()) {
            config.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, cid.asInt());
        }
        // DTLS flight retransmission (RFC 6347 §4.2.4.1): shorter than Scandium's default in tests of failures.
        if (c.has("dtlsRetransmissionMs"))
            config.set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, c.get("dtlsRetransmissionMs").asInt(),
                    TimeUnit.MILLISECONDS);
        if (c.has("dtlsMaxRetransmissions"))
            config.set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, c.get("dtlsMaxRetransmissions").asInt());
        endpoints.setConfiguration(config);
        endpoints.setClientAddress(InetAddress.getByName(c.path("localAddress").asText("127.0.0.1")));

        DefaultRegistrationEngineFactory engine = new DefaultRegistrationEngineFactory();
        engine.setRequestTimeoutInMs(c.path("requestTimeoutMs").asLong(30_000));
        engine.setDeregistrationTimeoutInMs(c.path("requestTimeoutMs").asLong(30_000));
        engine.setRetryWaitingTimeInMs(c.path("retryWaitMs").asInt(10_000));
        engine.setQueueMode(c.path("queueMode").asBoolean(false));

        LeshanClientBuilder builder = new LeshanClientBuilder(c.path("endpoint").asText());
        builder.setObjects(initializer.createAll());
        builder.setEndpointsProviders(endpoints.build());
        builder.setRegistrationEngineFactory(engine);
        builder.setDataSenders(sender);
        List<Certificate> trust = new ArrayList<>();
        for (JsonNode t : c.path("security").path("trustStore"))
            trust.add(certificate(t.asText()));
        if (!trust.isEmpty())
            builder.setTrustStore(trust);
        client = builder.build();
        client.addObserver(new Observer());
        client.start();
    }

    /** Security object instance (/0): keys and certificates arrive as base64 DER (the driver converts PEM). */
    private static Security security(String uri, JsonNode s) throws Exception {
        String mode = s.path("mode").asText("none");
        switch (mode) {
        case "none":
            return Security.noSec(uri, (int) SHORT_SERVER_ID);
        case "psk":
            return Security.psk(uri, (int) SHORT_SERVER_ID, s.path("identity").asText().getBytes(StandardCharsets.UTF_8),
                    hex(s.path("keyHex").asText()));
        case "rpk":
            return Security.rpk(uri, (int) SHORT_SERVER_ID, der(s, "clientPublicKey"), der(s, "clientPrivateKey"),
                    der(s, "serverPublicKey"));
        case "x509":
            // Certificate usage (Core 1.1.1 §E.1.1, resource /0/x/15): 3 "domain-issued" by default, as Leshan.
            return Security.x509(uri, (int) SHORT_SERVER_ID, der(s, "clientCertificate"), der(s, "clientPrivateKey"),
                    der(s, "serverCertificate"), ULong.valueOf(s.path("certificateUsage").asLong(3)));
        default:
            throw new IllegalArgumentException("unknown security mode " + mode);
        }
    }

    /** The Bootstrap-Server account (/0 with Bootstrap-Server = true): NoSec or PSK (the vendor's credential). */
    private static Security bootstrapSecurity(String uri, JsonNode s) {
        String mode = s.path("mode").asText("none");
        switch (mode) {
        case "none":
            return Security.noSecBootstrap(uri);
        case "psk":
            return Security.pskBootstrap(uri, s.path("identity").asText().getBytes(StandardCharsets.UTF_8),
                    hex(s.path("keyHex").asText()));
        default:
            throw new IllegalArgumentException("unsupported bootstrap security mode " + mode);
        }
    }

    private static byte[] der(JsonNode s, String field) {
        if (!s.hasNonNull(field))
            throw new IllegalArgumentException("security." + field + " missing");
        return Base64.getDecoder().decode(s.get(field).asText());
    }

    private static Certificate certificate(String base64Der) throws Exception {
        return CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(base64Der)));
    }

    private static byte[] hex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++)
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        return out;
    }

    private void set(String path, JsonNode value) {
        LwM2mPath p = new LwM2mPath(path);
        if (!p.isResource() && !p.isResourceInstance())
            throw new IllegalArgumentException("set needs a resource path: " + path);
        ValueInstance instance = instances.get(p.getObjectId() + "/" + p.getObjectInstanceId());
        if (instance == null)
            throw new IllegalArgumentException("no instance " + path);
        instance.set(p.getResourceId(), p.getResourceInstanceId(), value);
    }

    private LwM2mServer server() {
        for (LwM2mServer s : client.getRegisteredServers().values())
            return s;
        throw new IllegalStateException("not registered");
    }

    /**
     * Send (Core 1.1.1 §6.4.6) of the current values of `paths`, through Leshan's DataSenderManager. Timestamped
     * by default (now, or the given "timestamp" in epoch seconds with a fraction): Leshan then writes a base time
     * `bt`, in SenML CBOR as a decimal fraction (RFC 8949 §3.4.4, tag 4) when the time has a fraction.
     */
    private void send(JsonNode c) throws Exception {
        List<LwM2mPath> paths = new ArrayList<>();
        for (JsonNode p : c.path("paths"))
            paths.add(new LwM2mPath(p.asText()));
        String format = c.path("format").asText("senml-cbor");
        ContentFormat cf = format.equals("senml-json") ? ContentFormat.SENML_JSON : ContentFormat.SENML_CBOR;
        long timeout = c.path("timeoutMs").asLong(30_000);
        DataSenderManager manager = sender.manager;
        Map<LwM2mPath, LwM2mNode> values = manager.getCurrentValues(LwM2mServer.SYSTEM, paths);
        LwM2mServer server = server();
        if (c.path("timestamped").asBoolean(true)) {
            Instant time = Instant.now();
            if (c.hasNonNull("timestamp")) {
                BigDecimal seconds = new BigDecimal(c.get("timestamp").asText());
                long whole = seconds.longValue();
                long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
                time = Instant.ofEpochSecond(whole, nanos);
            }
            TimestampedLwM2mNodes nodes = new TimestampedLwM2mNodes.Builder().addNodes(time, values).build();
            manager.sendData(server, cf, nodes, this::sent, this::sendFailed, timeout);
        } else {
            manager.sendData(server, cf, values, this::sent, this::sendFailed, timeout);
        }
    }

    private void sent(SendResponse response) {
        ObjectNode e = Events.event(response.isSuccess() ? "sent" : "send-failed");
        code(e, response.getCode());
        if (response.getErrorMessage() != null)
            e.put("message", response.getErrorMessage());
        Events.emit(e);
    }

    private void sendFailed(Exception error) {
        ObjectNode e = Events.event("send-failed");
        e.put("error", error.getClass().getSimpleName() + ": " + error.getMessage());
        Events.emit(e);
    }

    /**
     * Closes the client's UDP socket and opens a new one (a new ephemeral port), as a device behind a NAT whose
     * mapping changed. With DTLS, Scandium marks its sessions for resumption when the local address changed, so
     * the next request starts an abbreviated handshake; an RFC 9146 CID test uses a UDP relay instead (the client's
     * socket stays, the server sees a new address).
     */
    private void rebind(boolean update) throws Exception {
        CoapEndpoint endpoint = Tracing.current;
        if (endpoint == null)
            throw new IllegalStateException("no endpoint yet");
        int from = endpoint.getAddress().getPort();
        endpoint.stop();
        endpoint.start();
        ObjectNode e = Events.event("rebound");
        e.put("from", from);
        e.put("to", endpoint.getAddress().getPort());
        Events.emit(e);
        if (update)
            client.triggerRegistrationUpdate();
    }

    /**
     * The client's Security (/0) and Server (/1) instances as they are now: what a bootstrap server left (ETS int-4
     * checks the Bootstrap-Delete). Keys are never reported, only the URI, the Bootstrap-Server flag, the mode and the
     * short server id (and the lifetime of a Server instance).
     */
    private void instances() {
        ObjectNode e = Events.event("instances");
        com.fasterxml.jackson.databind.node.ArrayNode security = e.putArray("security");
        for (LwM2mObjectInstance i : read(0).getInstances().values()) {
            ObjectNode o = security.addObject();
            o.put("id", i.getId());
            o.put("uri", String.valueOf(value(i, 0)));
            o.put("bootstrap", Boolean.TRUE.equals(value(i, 1)));
            o.put("mode", String.valueOf(value(i, 2)));
            o.put("shortServerId", String.valueOf(value(i, 10)));
        }
        com.fasterxml.jackson.databind.node.ArrayNode server = e.putArray("server");
        for (LwM2mObjectInstance i : read(1).getInstances().values()) {
            ObjectNode o = server.addObject();
            o.put("id", i.getId());
            o.put("shortServerId", String.valueOf(value(i, 0)));
            o.put("lifetime", String.valueOf(value(i, 1)));
        }
        Events.emit(e);
    }

    private LwM2mObject read(int objectId) {
        return (LwM2mObject) client.getObjectTree().getObjectEnabler(objectId)
                .read(LwM2mServer.SYSTEM, new ReadRequest(objectId)).getContent();
    }

    private static Object value(LwM2mObjectInstance instance, int resourceId) {
        LwM2mResource r = instance.getResource(resourceId);
        return r == null ? null : r.getValue();
    }

    private static void code(ObjectNode e, ResponseCode code) {
        if (code == null)
            return;
        // Leshan numbers codes as c*100+dd (404 for 4.04).
        e.put("code", code.getCode() / 100 + "." + String.format("%02d", code.getCode() % 100));
        e.put("name", code.getName());
    }

    private static void failure(String name, ResponseCode code, String message, Exception cause) {
        ObjectNode e = Events.event(name);
        code(e, code);
        if (message != null)
            e.put("message", message);
        if (cause != null)
            e.put("error", cause.getClass().getSimpleName() + ": " + cause.getMessage());
        Events.emit(e);
    }

    /** Leshan's registration engine events, as harness events. */
    private final class Observer extends LwM2mClientObserverAdapter {
        @Override
        public void onBootstrapStarted(LwM2mServer server, BootstrapRequest request) {
            Events.emit("bootstrap-started");
        }

        @Override
        public void onBootstrapSuccess(LwM2mServer server, BootstrapRequest request) {
            Events.emit("bootstrapped");
        }

        @Override
        public void onBootstrapFailure(LwM2mServer server, BootstrapRequest request, ResponseCode code,
                String message, Exception cause) {
            failure("bootstrap-failed", code, message, cause);
        }

        @Override
        public void onBootstrapTimeout(LwM2mServer server, BootstrapRequest request) {
            Events.emit("bootstrap-timeout");
        }

        @Override
        public void onRegistrationSuccess(LwM2mServer server, RegisterRequest request, String registrationId) {
            ObjectNode e = Events.event("registered");
            e.put("registrationId", registrationId);
            e.put("server", server.getUri());
            CoapEndpoint endpoint = Tracing.current;
            if (endpoint != null && endpoint.getAddress() != null)
                e.put("localPort", endpoint.getAddress().getPort());
            Events.emit(e);
        }

        @Override
        public void onRegistrationFailure(LwM2mServer server, RegisterRequest request, ResponseCode code,
                String message, Exception cause) {
            failure("registration-failed", code, message, cause);
        }

        @Override
        public void onRegistrationTimeout(LwM2mServer server, RegisterRequest request) {
            Events.emit("registration-timeout");
        }

        @Override
        public void onUpdateSuccess(LwM2mServer server, UpdateRequest request) {
            Events.emit("updated");
        }

        @Override
        public void onUpdateFailure(LwM2mServer server, UpdateRequest request, ResponseCode code, String message,
                Exception cause) {
            failure("update-failed", code, message, cause);
        }

        @Override
        public void onUpdateTimeout(LwM2mServer server, UpdateRequest request) {
            Events.emit("update-timeout");
        }

        @Override
        public void onDeregistrationSuccess(LwM2mServer server, DeregisterRequest request) {
            Events.emit("deregistered");
        }

        @Override
        public void onDeregistrationFailure(LwM2mServer server, DeregisterRequest request, ResponseCode code,
                String message, Exception cause) {
            failure("deregistration-failed", code, message, cause);
        }

        @Override
        public void onDeregistrationTimeout(LwM2mServer server, DeregisterRequest request) {
            Events.emit("deregistration-timeout");
        }

        @Override
        public void onUnexpectedError(Throwable error) {
            ObjectNode e = Events.event("unexpected-error");
            e.put("error", error.getClass().getSimpleName() + ": " + error.getMessage());
            Events.emit(e);
        }
    }
}
