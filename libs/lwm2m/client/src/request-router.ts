import { type CoapExchange, CoapCode, type Peer } from '@smartcity/coap';
import { ContentFormat } from '@smartcity/lwm2m-codec';
import {
  Lwm2mCodecError,
  type Link,
  Lwm2mPath,
  type Lwm2mRecord,
  type NotificationAttributes,
  serializeLinkFormat,
} from '@smartcity/lwm2m-core';
import { fromCoapRequest, Lwm2mBindingError, type Lwm2mRequest } from '@smartcity/lwm2m-server';
import { type ClientLogger } from './client-logger';
import { badRequest, Lwm2mOperationError, notAllowed } from './lwm2m-operation.error';
import { type AttributeStore } from './observe/attribute-store';
import { observationKey, type ObservationManager } from './observe/observation-manager';
import { type PayloadCodec } from './payload-codec';
import { type ObjectTree } from './tree/object-tree';

export interface RouterDeps {
  readonly tree: ObjectTree;
  readonly attributes: AttributeStore;
  readonly observations: ObservationManager;
  readonly codec: PayloadCodec;
  readonly logger: ClientLogger;
  /** Format for multi-value payloads when the server sends no Accept. */
  readonly preferredFormat: number;
  /** Next Observe sequence number (RFC 7641 §3.4), shared by all observations of the client. */
  nextObserveSeq(): number;
}

/** The client's answer to a server request, before it becomes CoAP options. */
export interface ClientReply {
  readonly code: number;
  readonly contentFormat?: number;
  readonly observe?: number;
  readonly locationPath?: readonly string[];
  readonly payload?: Buffer;
}

/**
 * Executes a server's request on the object tree: the CoAP request is first read as an LwM2M request through
 * the one binding (`fromCoapRequest`, Transport 1.1.1 §6.4), then applied: Read, Discover, Write (replace or
 * partial update), Write-Attributes, Execute, Create, Delete, Observe and its cancellation, and the composite
 * operations (Read-, Observe-, Write-Composite, Core 1.1.1 §6.3.8-§6.3.9, §6.4.1).
 */
export class RequestRouter {
  constructor(private readonly deps: RouterDeps) {}

  async handle(exchange: CoapExchange): Promise<ClientReply> {
    try {
      return await this.route(fromCoapRequest(exchange.request), exchange.peer, exchange.request.token);
    } catch (error) {
      if (error instanceof Lwm2mBindingError) return failure(error.coapCode, error.message);
      if (error instanceof Lwm2mOperationError) return failure(error.code, error.message);
      if (error instanceof Lwm2mCodecError) {
        const code =
          error.code === 'unsupported-format' ? CoapCode.UnsupportedContentFormat : CoapCode.BadRequest;
        return failure(code, error.message);
      }
      this.deps.logger.warn({ err: error }, 'request handler failed');
      return failure(CoapCode.InternalServerError, 'internal error');
    }
  }

  private async route(req: Lwm2mRequest, peer: Peer, token: Buffer): Promise<ClientReply> {
    const { tree } = this.deps;
    switch (req.op) {
      case 'read':
        return this.read(req.path, req.accept);
      case 'discover':
        return this.discover(req.path);
      case 'observe':
        return this.observe(peer, token, [req.path], false, req.accept);
      case 'cancel-observe':
        this.deps.observations.cancel(observationKey(peer, token));
        return this.read(req.path, req.accept);
      case 'write':
        tree.write(
          req.path,
          this.decode(req.contentFormat, req.payload, req.path),
          req.replace ? 'replace' : 'update',
        );
        return { code: CoapCode.Changed };
      case 'write-attributes':
        return this.writeAttributes(req.path, req.attributes);
      case 'execute':
        await tree.execute(req.path, req.arguments ?? '');
        return { code: CoapCode.Changed };
      case 'create': {
        const objectId = req.path.objectId as number;
        const iid = tree.create(objectId, this.decode(req.contentFormat, req.payload, req.path));
        return { code: CoapCode.Created, locationPath: [String(objectId), String(iid)] };
      }
      case 'delete':
        tree.delete(req.path);
        return { code: CoapCode.Deleted };
      case 'read-composite':
        return this.readComposite(this.decodePaths(req.contentFormat, req.paths), req.accept);
      case 'observe-composite':
        return this.observe(peer, token, this.decodePaths(req.contentFormat, req.paths), true, req.accept);
      case 'cancel-observe-composite':
        this.deps.observations.cancel(observationKey(peer, token));
        return this.readComposite(this.decodePaths(req.contentFormat, req.paths), req.accept);
      case 'write-composite':
        this.writeComposite(this.decode(req.contentFormat, req.payload, Lwm2mPath.ROOT));
        return { code: CoapCode.Changed };
    }
  }

  private read(path: Lwm2mPath, accept: number | undefined): ClientReply {
    const records = this.deps.tree.read(path);
    return this.content(records, path, accept);
  }

  private readComposite(paths: readonly Lwm2mPath[], accept: number | undefined): ClientReply {
    const records = paths.flatMap((p) => this.deps.tree.read(p));
    return this.content(records, Lwm2mPath.ROOT, accept ?? ContentFormat.SENML_CBOR);
  }

  /** Encodes a Read/Observe/Notify payload, honouring Accept (4.06 when the format cannot be produced). */
  content(
    records: readonly Lwm2mRecord[],
    path: Lwm2mPath,
    accept: number | undefined,
    observe?: number,
  ): ClientReply {
    const format = accept ?? this.defaultFormat(records, path);
    if (!this.deps.codec.canEncode(format))
      throw new Lwm2mOperationError(CoapCode.NotAcceptable, `cannot encode format ${format}`);
    let payload: Uint8Array;
    try {
      payload = this.deps.codec.encode(records, format, path, this.deps.tree);
    } catch (error) {
      if (error instanceof Lwm2mCodecError)
        throw new Lwm2mOperationError(CoapCode.NotAcceptable, error.message);
      throw error;
    }
    return {
      code: CoapCode.Content,
      contentFormat: format,
      payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
      ...(observe !== undefined ? { observe } : {}),
    };
  }

  /** A single value goes as text/plain (opaque for bytes); anything larger in the client's preferred format. */
  private defaultFormat(records: readonly Lwm2mRecord[], path: Lwm2mPath): number {
    const single = records.length === 1 && path.level !== 'object' && path.level !== 'instance';
    if (single && records[0]?.path.level === 'resource') {
      return records[0].type === 'opaque' ? ContentFormat.OPAQUE : ContentFormat.TEXT;
    }
    return this.deps.preferredFormat;
  }

  private observe(
    peer: Peer,
    token: Buffer,
    paths: Lwm2mPath[],
    composite: boolean,
    requested: number | undefined,
  ): ClientReply {
    const records = paths.flatMap((p) => this.deps.tree.read(p));
    const target = composite ? Lwm2mPath.ROOT : (paths[0] as Lwm2mPath);
    const accept = requested ?? (composite ? ContentFormat.SENML_CBOR : this.defaultFormat(records, target));
    const response = this.content(records, target, accept, this.deps.nextObserveSeq());
    this.deps.observations.add({
      key: observationKey(peer, token),
      peer,
      token,
      paths,
      composite,
      contentFormat: accept,
    });
    return response;
  }

  private discover(path: Lwm2mPath): ClientReply {
    if (path.level === 'root') throw notAllowed('Discover on the root path');
    const { tree, attributes } = this.deps;
    const links: Link[] = tree.discoverPaths(path).map((p) => {
      const attrs: Array<{ name: string; value: string }> = [];
      if (p.level === 'object') {
        const version = tree.getObjectModel(p.objectId as number)?.version;
        if (version && version !== '1.0') attrs.push({ name: 'ver', value: version });
      }
      if (p.level === 'resource') {
        const value = tree.get(p);
        // Core 1.1.1 §5.4.2: "dim" gives the number of instances of a multiple resource.
        if (value instanceof Map) attrs.push({ name: 'dim', value: String(value.size) });
      }
      for (const [name, value] of Object.entries(attributes.at(p)))
        attrs.push({ name, value: String(value) });
      return { uri: p.toString(), attributes: attrs };
    });
    return {
      code: CoapCode.Content,
      contentFormat: ContentFormat.LINK,
      payload: Buffer.from(serializeLinkFormat(links), 'utf8'),
    };
  }

  private writeAttributes(path: Lwm2mPath, written: NotificationAttributes): ClientReply {
    if (path.level === 'root') throw notAllowed('Write-Attributes on the root path');
    if (!this.deps.tree.has(path))
      throw new Lwm2mOperationError(CoapCode.NotFound, `${path.toString()} not found`);
    this.deps.attributes.write(path, written);
    this.deps.observations.attributesChanged();
    return { code: CoapCode.Changed };
  }

  /** Write-Composite (Core 1.1.1 §6.3.9, iPATCH): each record replaces one resource or resource instance. */
  private writeComposite(records: readonly Lwm2mRecord[]): void {
    const byTarget = new Map<string, Lwm2mRecord[]>();
    for (const r of records) {
      if (r.path.level !== 'resource' && r.path.level !== 'resourceInstance') {
        throw badRequest(`Write-Composite record ${r.path.toString()} is not a resource`);
      }
      const key = r.path.toString();
      byTarget.set(key, [...(byTarget.get(key) ?? []), r]);
    }
    for (const [key, list] of byTarget) this.deps.tree.write(Lwm2mPath.parse(key), list, 'replace');
  }

  private decode(contentFormat: number, payload: Buffer, path: Lwm2mPath): Lwm2mRecord[] {
    if (!this.deps.codec.canDecode(contentFormat)) {
      throw new Lwm2mOperationError(
        CoapCode.UnsupportedContentFormat,
        `content format ${contentFormat} not supported`,
      );
    }
    return this.deps.codec.decode(payload, contentFormat, path, this.deps.tree);
  }

  private decodePaths(contentFormat: number, payload: Buffer): Lwm2mPath[] {
    return this.deps.codec.decodePaths(payload, contentFormat, this.deps.tree);
  }
}

function failure(code: number, message: string): ClientReply {
  // A diagnostic payload on errors (RFC 7252 §5.5.2) helps whoever debugs the server side.
  return { code, payload: Buffer.from(message, 'utf8') };
}
