import { ContentFormat } from '@smartcity/lwm2m-codec';
import {
  Lwm2mCodecError,
  type Link,
  Lwm2mPath,
  type Lwm2mRecord,
  parseWriteAttributesQuery,
  serializeLinkFormat,
} from '@smartcity/lwm2m-core';
import { CoapCodes, CoapMethods, type CoapResponse, type IncomingRequest } from './coap/coap-types';
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

/**
 * Maps a server's CoAP request onto an LwM2M operation (Core 1.1.1 §8.2 Table "Device Management and Service
 * Enablement Interface" / Transport 1.1.1 §6.x): GET = Read, Discover (Accept link-format) or Observe; PUT = Write
 * (replace) or Write-Attributes (query, no payload); POST = Create (object), Write partial update (instance) or
 * Execute (resource); DELETE = Delete; FETCH = Read-/Observe-Composite; iPATCH = Write-Composite.
 */
export class RequestRouter {
  constructor(private readonly deps: RouterDeps) {}

  async handle(req: IncomingRequest): Promise<CoapResponse> {
    try {
      return await this.route(req);
    } catch (error) {
      if (error instanceof Lwm2mOperationError) return failure(error.code, error.message);
      if (error instanceof Lwm2mCodecError) {
        const code =
          error.code === 'unsupported-format' ? CoapCodes.UNSUPPORTED_CONTENT_FORMAT : CoapCodes.BAD_REQUEST;
        return failure(code, error.message);
      }
      this.deps.logger.warn({ err: error, path: req.uriPath.join('/') }, 'request handler failed');
      return failure(CoapCodes.INTERNAL_SERVER_ERROR, 'internal error');
    }
  }

  private async route(req: IncomingRequest): Promise<CoapResponse> {
    const path = Lwm2mPath.tryParse('/' + req.uriPath.join('/'));
    if (!path) return failure(CoapCodes.NOT_FOUND, `no resource at /${req.uriPath.join('/')}`);
    const { tree } = this.deps;
    switch (req.method) {
      case CoapMethods.GET:
        if (req.accept === ContentFormat.LINK) return this.discover(path);
        if (req.observe === 0) return this.observe(req, [path], false);
        if (req.observe === 1) this.deps.observations.cancel(observationKey(req.peer, req.token));
        return this.read(path, req.accept);
      case CoapMethods.PUT:
        if (isEmpty(req.payload) && req.contentFormat === undefined) return this.writeAttributes(path, req);
        tree.write(path, this.decode(req, path), 'replace');
        return { code: CoapCodes.CHANGED };
      case CoapMethods.POST:
        if (path.level === 'object') {
          const iid = tree.create(path.objectId as number, this.decode(req, path));
          return { code: CoapCodes.CREATED, locationPath: [String(path.objectId), String(iid)] };
        }
        if (path.level === 'instance') {
          tree.write(path, this.decode(req, path), 'update');
          return { code: CoapCodes.CHANGED };
        }
        if (path.level === 'resource') {
          await tree.execute(path, req.payload?.toString('utf8') ?? '');
          return { code: CoapCodes.CHANGED };
        }
        throw notAllowed(`POST on ${path.toString()}`);
      case CoapMethods.DELETE:
        tree.delete(path);
        return { code: CoapCodes.DELETED };
      case CoapMethods.FETCH: {
        const paths = this.decodePaths(req);
        if (req.observe === 0) return this.observe(req, paths, true);
        if (req.observe === 1) this.deps.observations.cancel(observationKey(req.peer, req.token));
        return this.readComposite(paths, req.accept);
      }
      case CoapMethods.IPATCH:
        this.writeComposite(this.decode(req, Lwm2mPath.ROOT));
        return { code: CoapCodes.CHANGED };
      default:
        throw notAllowed(`method ${req.method}`);
    }
  }

  private read(path: Lwm2mPath, accept: number | undefined): CoapResponse {
    const records = this.deps.tree.read(path);
    return this.content(records, path, accept);
  }

  private readComposite(paths: readonly Lwm2mPath[], accept: number | undefined): CoapResponse {
    const records = paths.flatMap((p) => this.deps.tree.read(p));
    return this.content(records, Lwm2mPath.ROOT, accept ?? ContentFormat.SENML_CBOR);
  }

  /** Encodes a Read/Observe/Notify payload, honouring Accept (4.06 when the format cannot be produced). */
  content(
    records: readonly Lwm2mRecord[],
    path: Lwm2mPath,
    accept: number | undefined,
    observe?: number,
  ): CoapResponse {
    const format = accept ?? this.defaultFormat(records, path);
    if (!this.deps.codec.canEncode(format))
      throw new Lwm2mOperationError('4.06', `cannot encode format ${format}`);
    let payload: Uint8Array;
    try {
      payload = this.deps.codec.encode(records, format, path, this.deps.tree);
    } catch (error) {
      if (error instanceof Lwm2mCodecError) throw new Lwm2mOperationError('4.06', error.message);
      throw error;
    }
    return {
      code: CoapCodes.CONTENT,
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

  private observe(req: IncomingRequest, paths: Lwm2mPath[], composite: boolean): CoapResponse {
    const records = paths.flatMap((p) => this.deps.tree.read(p));
    const target = composite ? Lwm2mPath.ROOT : (paths[0] as Lwm2mPath);
    const accept = req.accept ?? (composite ? ContentFormat.SENML_CBOR : this.defaultFormat(records, target));
    const response = this.content(records, target, accept, this.deps.nextObserveSeq());
    this.deps.observations.add({
      key: observationKey(req.peer, req.token),
      peer: req.peer,
      token: req.token,
      paths,
      composite,
      contentFormat: accept,
    });
    return response;
  }

  private discover(path: Lwm2mPath): CoapResponse {
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
      code: CoapCodes.CONTENT,
      contentFormat: ContentFormat.LINK,
      payload: Buffer.from(serializeLinkFormat(links), 'utf8'),
    };
  }

  private writeAttributes(path: Lwm2mPath, req: IncomingRequest): CoapResponse {
    if (path.level === 'root') throw notAllowed('Write-Attributes on the root path');
    if (!this.deps.tree.has(path)) throw new Lwm2mOperationError('4.04', `${path.toString()} not found`);
    const written = parseWriteAttributesQuery(req.uriQuery ?? []);
    this.deps.attributes.write(path, written);
    this.deps.observations.attributesChanged();
    return { code: CoapCodes.CHANGED };
  }

  /** Write-Composite (Core 1.1.1 §5.4.7... iPATCH): each record replaces one resource or resource instance. */
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

  private decode(req: IncomingRequest, path: Lwm2mPath): Lwm2mRecord[] {
    if (req.contentFormat === undefined) throw badRequest('a payload needs a Content-Format');
    if (!this.deps.codec.canDecode(req.contentFormat)) {
      throw new Lwm2mOperationError('4.15', `content format ${req.contentFormat} not supported`);
    }
    return this.deps.codec.decode(req.payload ?? Buffer.alloc(0), req.contentFormat, path, this.deps.tree);
  }

  private decodePaths(req: IncomingRequest): Lwm2mPath[] {
    if (req.contentFormat === undefined) throw badRequest('a composite request needs a Content-Format');
    return this.deps.codec.decodePaths(req.payload ?? Buffer.alloc(0), req.contentFormat, this.deps.tree);
  }
}

function isEmpty(payload: Buffer | undefined): boolean {
  return !payload || payload.length === 0;
}

function failure(code: string, message: string): CoapResponse {
  // A diagnostic payload on errors (RFC 7252 §5.5.2) helps whoever debugs the server side.
  return { code, payload: Buffer.from(message, 'utf8') };
}
