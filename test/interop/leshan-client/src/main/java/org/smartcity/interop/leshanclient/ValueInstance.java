package org.smartcity.interop.leshanclient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.leshan.client.resource.BaseInstanceEnabler;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.model.ResourceModel.Type;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.node.ObjectLink;
import org.eclipse.leshan.core.request.argument.Arguments;
import org.eclipse.leshan.core.response.ExecuteResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.core.response.WriteResponse;
import org.eclipse.leshan.core.util.datatype.ULong;

/**
 * An object instance whose resources are plain values given as JSON (by the start command, changed by `set` and by
 * the server's Write). Leshan checks operations against the model before calling in; this class keeps the values,
 * reports writes and executes as events, and fires resource changes so that observations notify.
 */
final class ValueInstance extends BaseInstanceEnabler {
    private final Map<Integer, LwM2mResource> values = new ConcurrentHashMap<>();

    ValueInstance(Integer instanceId, ObjectModel model, JsonNode resources) {
        if (instanceId != null)
            setId(instanceId);
        setModel(model);
        if (resources != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                int id = Integer.parseInt(e.getKey());
                values.put(id, toResource(model, id, e.getValue()));
            }
        }
    }

    /** Changes a resource (or one instance of a multiple resource) and notifies observers of it. */
    void set(int resourceId, Integer resourceInstanceId, JsonNode value) {
        if (resourceInstanceId == null) {
            values.put(resourceId, toResource(model, resourceId, value));
            fireResourceChange(resourceId);
            return;
        }
        LwM2mResource current = values.get(resourceId);
        Map<Integer, Object> instances = new TreeMap<>();
        if (current != null && current.isMultiInstances())
            current.getInstances().forEach((k, v) -> instances.put(k, v.getValue()));
        Type type = typeOf(model, resourceId);
        instances.put(resourceInstanceId, toValue(type, value));
        values.put(resourceId, LwM2mMultipleResource.newResource(resourceId, instances, type));
        fireResourceInstanceChange(resourceId, resourceInstanceId);
    }

    @Override
    public ReadResponse read(LwM2mServer server, int resourceId) {
        LwM2mResource resource = values.get(resourceId);
        return resource == null ? ReadResponse.notFound() : ReadResponse.success(resource);
    }

    @Override
    public WriteResponse write(LwM2mServer server, boolean replace, int resourceId, LwM2mResource value) {
        LwM2mResource current = values.get(resourceId);
        if (!replace && value.isMultiInstances() && current != null && current.isMultiInstances()) {
            // Partial update of a multiple resource merges instances (Core 1.1.1 §5.4.3, Write "update").
            Map<Integer, Object> merged = new TreeMap<>();
            current.getInstances().forEach((k, v) -> merged.put(k, v.getValue()));
            value.getInstances().forEach((k, v) -> merged.put(k, v.getValue()));
            value = LwM2mMultipleResource.newResource(resourceId, merged, value.getType());
        }
        values.put(resourceId, value);
        ObjectNode event = Events.event("written");
        event.put("path", "/" + model.id + "/" + getId() + "/" + resourceId);
        event.put("replace", replace);
        Events.putValue(event, "value", value);
        Events.emit(event);
        fireResourceChange(resourceId);
        return WriteResponse.success();
    }

    @Override
    public ExecuteResponse execute(LwM2mServer server, int resourceId, Arguments arguments) {
        ObjectNode event = Events.event("executed");
        event.put("path", "/" + model.id + "/" + getId() + "/" + resourceId);
        event.put("arguments", arguments == null ? "" : arguments.serialize());
        Events.emit(event);
        return ExecuteResponse.success();
    }

    @Override
    public List<Integer> getAvailableResourceIds(ObjectModel model) {
        List<Integer> ids = new ArrayList<>(values.keySet());
        for (ResourceModel r : model.resources.values())
            if (r.operations.isExecutable() && !ids.contains(r.id))
                ids.add(r.id);
        ids.sort(null);
        return ids;
    }

    static Type typeOf(ObjectModel model, int resourceId) {
        ResourceModel r = model.resources.get(resourceId);
        if (r == null)
            throw new IllegalArgumentException("object " + model.id + " v" + model.version + " has no resource "
                    + resourceId);
        return r.type;
    }

    /** JSON object or array of values for a multiple resource ({"0": v} or [v, ...]), a plain value otherwise. */
    static LwM2mResource toResource(ObjectModel model, int resourceId, JsonNode json) {
        Type type = typeOf(model, resourceId);
        if (model.resources.get(resourceId).multiple) {
            Map<Integer, Object> instances = new TreeMap<>();
            if (json.isArray()) {
                for (int i = 0; i < json.size(); i++)
                    instances.put(i, toValue(type, json.get(i)));
            } else {
                json.fields().forEachRemaining(e -> instances.put(Integer.parseInt(e.getKey()),
                        toValue(type, e.getValue())));
            }
            return LwM2mMultipleResource.newResource(resourceId, instances, type);
        }
        return LwM2mSingleResource.newResource(resourceId, toValue(type, json), type);
    }

    /** Time: epoch seconds (fractions allowed) or ISO-8601; Opaque: base64; Objlnk: "3:0". */
    static Object toValue(Type type, JsonNode json) {
        switch (type) {
        case STRING:
            return json.asText();
        case INTEGER:
            return json.asLong();
        case UNSIGNED_INTEGER:
            return ULong.valueOf(json.asText());
        case FLOAT:
            return json.asDouble();
        case BOOLEAN:
            return json.asBoolean();
        case OPAQUE:
            return Base64.getDecoder().decode(json.asText());
        case TIME:
            return json.isNumber() ? new Date(Math.round(json.asDouble() * 1000))
                    : Date.from(Instant.parse(json.asText()));
        case OBJLNK:
            return ObjectLink.decodeFromString(json.asText());
        default:
            throw new IllegalArgumentException("unsupported resource type " + type);
        }
    }
}
