package org.smartcity.interop.leshanclient;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.ObjectLink;

/**
 * The harness's only writer of stdout: one JSON object per line, each with an "event" name and the time it was
 * emitted ("at", ms since the epoch). Everything else (Californium's logs) goes to stderr.
 */
final class Events {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final PrintStream OUT = new PrintStream(System.out, false, StandardCharsets.UTF_8);

    private Events() {
    }

    static ObjectNode event(String name) {
        ObjectNode node = JSON.createObjectNode();
        node.put("event", name);
        return node;
    }

    static void emit(ObjectNode node) {
        node.put("at", System.currentTimeMillis());
        String line;
        try {
            line = JSON.writeValueAsString(node);
        } catch (Exception e) {
            line = "{\"event\":\"error\",\"message\":\"unserializable event\"}";
        }
        synchronized (OUT) {
            OUT.println(line);
            OUT.flush();
        }
    }

    static void emit(String name) {
        emit(event(name));
    }

    /** Payloads travel as base64 (bounded, so that a large Block2 body does not flood the pipe). */
    static String base64(byte[] bytes) {
        if (bytes == null || bytes.length == 0)
            return null;
        int n = Math.min(bytes.length, 16 * 1024);
        byte[] head = n == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, n);
        return Base64.getEncoder().encodeToString(head);
    }

    /** A Leshan resource value as JSON: numbers, strings, booleans; Time as epoch seconds; Opaque as base64. */
    static Object plain(Object value) {
        if (value instanceof Date)
            return ((Date) value).getTime() / 1000.0;
        if (value instanceof byte[])
            return Base64.getEncoder().encodeToString((byte[]) value);
        if (value instanceof ObjectLink)
            return ((ObjectLink) value).encodeToString();
        if (value instanceof Number || value instanceof Boolean || value instanceof String)
            return value instanceof org.eclipse.leshan.core.util.datatype.ULong ? ((Number) value).longValue()
                    : value;
        return String.valueOf(value);
    }

    static void putValue(ObjectNode node, String field, LwM2mResource resource) {
        if (resource.isMultiInstances()) {
            ObjectNode instances = node.putObject(field);
            for (Map.Entry<Integer, LwM2mResourceInstance> e : resource.getInstances().entrySet())
                instances.putPOJO(String.valueOf(e.getKey()), plain(e.getValue().getValue()));
        } else {
            node.putPOJO(field, plain(resource.getValue()));
        }
    }
}
