import { type KeyObject } from 'node:crypto';
import { type PeerIdentity } from '@smartcity/coap';
import { Connection } from '../connection/connection';
import { type ConnectionEnv, type SessionState } from '../connection/types';
import { constantTimeEqual } from '../crypto/constant-time';
import { EphemeralEcdh } from '../crypto/ecdhe';
import { signEcdsaSha256, verifyEcdsaSha256 } from '../crypto/signature';
import { DtlsError } from '../errors';
import { type CipherSuiteInfo, cipherSuiteInfo } from '../handshake/cipher-suites';
import { expectMessage } from '../handshake/expect-message';
import { authenticateServer } from '../handshake/peer-authentication';

import { decodeServerHelloExtensions } from '../handshake/hello-extensions';
import {
  extendedMasterSecret,
  finishedVerifyData,
  keyBlock,
  masterSecret,
  pskPreMasterSecret,
} from '../handshake/key-schedule';
import {
  encodeCertificate,
  encodeDigitallySigned,
  parseCertificate,
  parseCertificateRequest,
} from '../handshake/messages/certificate';
import {
  type ClientHello,
  encodeClientHello,
  parseHelloVerifyRequest,
  parseServerHello,
} from '../handshake/messages/hello';
import {
  encodeEcdheClientKeyExchange,
  encodePskClientKeyExchange,
  parseEcdheServerKeyExchange,
  parseEmpty,
  parseFinished,
  parsePskServerKeyExchange,
} from '../handshake/messages/key-exchange';
import { type HandshakeMessage } from '../handshake/reassembler';
import {
  AlertDescription,
  CertificateType,
  DTLS_1_2,
  HandshakeType,
  NamedGroup,
  SIG_ECDSA_SECP256R1_SHA256,
} from '../protocol/constants';
import { type ClientHandshakeConfig } from './client-config';
import { clientCertificate, clientHelloExtensions } from './client-messages';

type Step =
  | 'hello'
  | 'certificate'
  | 'server_key_exchange'
  | 'psk_hint_or_done'
  | 'request_or_done'
  | 'server_hello_done'
  | 'finished'
  | 'resumed_finished'
  | 'done';

/** HelloVerifyRequests answered before giving up (a server keeps asking only if something is wrong). */
const MAX_HELLO_VERIFY = 2;

/** The client side of the DTLS 1.2 handshake (RFC 6347 §4.2.4 figure 1 and the abbreviated figure 2). */
export class ClientConnection extends Connection {
  private step: Step = 'hello';
  private hello: ClientHello | undefined;
  private readonly offered = new Set<number>();
  private helloVerifies = 0;
  private suite: CipherSuiteInfo | undefined;
  private ems = false;
  private clientRandom: Buffer = Buffer.alloc(0);
  private serverRandom: Buffer = Buffer.alloc(0);
  private sessionId: Buffer = Buffer.alloc(0);
  private master: Buffer | undefined;
  private serverKey: KeyObject | undefined;
  private serverPoint: Buffer | undefined;
  private serverIdentity: PeerIdentity | undefined;
  private serverCertificateType: number = CertificateType.x509;
  private clientCertificateType: number = CertificateType.x509;
  private certificateRequested = false;

  constructor(
    env: ConnectionEnv,
    private readonly config: ClientHandshakeConfig,
    address: string,
    port: number,
  ) {
    super(env, address, port, 0);
  }

  protected isRenegotiationRequest(msgType: number): boolean {
    return msgType === HandshakeType.helloRequest;
  }

  /** Sends the first ClientHello (flight 1). */
  start(): void {
    const extensions = clientHelloExtensions(this.config);
    for (const e of extensions) this.offered.add(e.type);
    this.clientRandom = this.env.randomBytes(32);
    this.hello = {
      clientVersion: DTLS_1_2,
      random: this.clientRandom,
      sessionId: this.config.resume?.sessionId ?? Buffer.alloc(0),
      cookie: Buffer.alloc(0),
      cipherSuites: this.config.suites.map((s) => s.id),
      compressionMethods: [0],
      extensions,
    };
    this.sendFlight([this.message(HandshakeType.clientHello, encodeClientHello(this.hello))], false, -1);
  }

  protected onHandshakeMessage(msg: HandshakeMessage): void | Promise<void> {
    switch (this.step) {
      case 'hello':
        return msg.msgType === HandshakeType.helloVerifyRequest
          ? this.onHelloVerifyRequest(msg)
          : this.onServerHello(msg);
      case 'certificate':
        return this.onCertificate(msg);
      case 'server_key_exchange':
        return this.onServerKeyExchange(msg);
      case 'psk_hint_or_done':
        if (msg.msgType === HandshakeType.serverKeyExchange) {
          expectMessage(msg, HandshakeType.serverKeyExchange, 0);
          parsePskServerKeyExchange(msg.body); // RFC 4279 §2: the hint does not change our static identity
          this.transcript.add(msg.msgType, msg.messageSeq, msg.body);
          this.step = 'server_hello_done';
          return;
        }
        return this.onServerHelloDone(msg);
      case 'request_or_done':
        if (msg.msgType === HandshakeType.certificateRequest) return this.onCertificateRequest(msg);
        return this.onServerHelloDone(msg);
      case 'server_hello_done':
        return this.onServerHelloDone(msg);
      case 'finished':
      case 'resumed_finished':
        return this.onFinished(msg);
      case 'done':
        return;
    }
  }

  /** RFC 6347 §4.2.1: repeat the ClientHello with the cookie; the transcript starts over (§4.2.6). */
  private onHelloVerifyRequest(msg: HandshakeMessage): void {
    expectMessage(msg, HandshakeType.helloVerifyRequest, 0);
    if (++this.helloVerifies > MAX_HELLO_VERIFY) {
      throw new DtlsError(AlertDescription.unexpected_message, 'too many HelloVerifyRequests');
    }
    const hvr = parseHelloVerifyRequest(msg.body);
    this.transcript.reset();
    this.hello = { ...this.hello!, cookie: Buffer.from(hvr.cookie) };
    this.sendFlight([this.message(HandshakeType.clientHello, encodeClientHello(this.hello))], false);
  }

  private onServerHello(msg: HandshakeMessage): void {
    expectMessage(msg, HandshakeType.serverHello, 0);
    const sh = parseServerHello(msg.body);
    if (sh.serverVersion !== DTLS_1_2)
      throw new DtlsError(AlertDescription.protocol_version, 'server version');
    const suite = cipherSuiteInfo(sh.cipherSuite);
    if (!suite || !this.config.suites.includes(suite)) {
      throw new DtlsError(AlertDescription.illegal_parameter, 'cipher suite not offered');
    }
    if (sh.compressionMethod !== 0) throw new DtlsError(AlertDescription.illegal_parameter, 'compression');
    const ext = decodeServerHelloExtensions(sh.extensions, this.offered);
    if (!ext.extendedMasterSecret && !this.config.allowLegacyNoEms) {
      throw new DtlsError(AlertDescription.handshake_failure, 'extended_master_secret required (RFC 7627)');
    }
    this.transcript.add(msg.msgType, msg.messageSeq, msg.body);
    this.suite = suite;
    this.ems = ext.extendedMasterSecret;
    this.serverRandom = Buffer.from(sh.random);
    this.sessionId = Buffer.from(sh.sessionId);
    if (ext.connectionId !== undefined) {
      // RFC 9146 §3: we send with the server's CID, and receive with ours (none when we offered an empty one).
      this.record.sendCid = ext.connectionId.length > 0 ? ext.connectionId : undefined;
      const ours = this.config.connectionId;
      this.record.receiveCid = ours && ours.length > 0 ? ours : undefined;
    }
    const resume = this.config.resume;
    if (resume && sh.sessionId.length > 0 && sh.sessionId.equals(resume.sessionId)) {
      if (suite !== resume.cipherSuite)
        throw new DtlsError(AlertDescription.illegal_parameter, 'resumed suite differs');
      // RFC 7627 §5.3: the resumed session must agree on extended_master_secret.
      if (this.ems !== resume.extendedMasterSecret) {
        throw new DtlsError(AlertDescription.handshake_failure, 'resumption changes extended_master_secret');
      }
      this.master = resume.masterSecret;
      this.serverIdentity = resume.peerIdentity;
      this.installKeys();
      this.finishedEpoch = 1;
      this.step = 'resumed_finished';
      this.replayDeferred();
      return;
    }
    this.serverCertificateType = ext.serverCertificateType ?? CertificateType.x509;
    this.clientCertificateType = ext.clientCertificateType ?? CertificateType.x509;
    this.step = suite.keyExchange === 'psk' ? 'psk_hint_or_done' : 'certificate';
  }

  private async onCertificate(msg: HandshakeMessage): Promise<void> {
    expectMessage(msg, HandshakeType.certificate, 0);
    const creds = this.config.credentials;
    const type =
      this.serverCertificateType === CertificateType.rawPublicKey
        ? CertificateType.rawPublicKey
        : CertificateType.x509;
    const cert = parseCertificate(msg.body, type, this.config.maxChainLength);
    this.transcript.add(msg.msgType, msg.messageSeq, msg.body);
    const now = this.env.clock.now();
    const authenticated = await authenticateServer(cert, creds, now, this.config.maxChainLength);
    if (this.state !== 'handshake') return;
    this.serverKey = authenticated.key;
    this.serverIdentity = authenticated.identity;
    this.step = 'server_key_exchange';
  }

  private onServerKeyExchange(msg: HandshakeMessage): void {
    expectMessage(msg, HandshakeType.serverKeyExchange, 0);
    const ske = parseEcdheServerKeyExchange(msg.body);
    if (ske.namedGroup !== NamedGroup.secp256r1)
      throw new DtlsError(AlertDescription.illegal_parameter, 'curve');
    if (ske.signed.algorithm !== SIG_ECDSA_SECP256R1_SHA256) {
      throw new DtlsError(AlertDescription.illegal_parameter, 'signature algorithm not offered');
    }
    const signed = Buffer.concat([this.clientRandom, this.serverRandom, ske.params]);
    if (!verifyEcdsaSha256(this.serverKey!, signed, ske.signed.signature)) {
      throw new DtlsError(AlertDescription.decrypt_error, 'ServerKeyExchange signature invalid');
    }
    this.serverPoint = Buffer.from(ske.point);
    this.transcript.add(msg.msgType, msg.messageSeq, msg.body);
    this.step = 'request_or_done';
  }

  private onCertificateRequest(msg: HandshakeMessage): void {
    expectMessage(msg, HandshakeType.certificateRequest, 0);
    parseCertificateRequest(msg.body);
    this.transcript.add(msg.msgType, msg.messageSeq, msg.body);
    this.certificateRequested = true;
    this.step = 'server_hello_done';
  }

  /** Flight 5: [Certificate], ClientKeyExchange, [CertificateVerify], ChangeCipherSpec, Finished. */
  private onServerHelloDone(msg: HandshakeMessage): void {
    expectMessage(msg, HandshakeType.serverHelloDone, 0);
    parseEmpty(msg.body, 'ServerHelloDone');
    this.transcript.add(msg.msgType, msg.messageSeq, msg.body);
    const creds = this.config.credentials;
    const items = [];
    let signer: KeyObject | undefined;
    if (this.certificateRequested) {
      const answer = clientCertificate(creds, this.clientCertificateType);
      signer = answer.signer;
      items.push(this.message(HandshakeType.certificate, encodeCertificate(answer.certificate)));
    }
    let preMaster: Buffer;
    if (creds.kind === 'psk') {
      items.push(
        this.message(
          HandshakeType.clientKeyExchange,
          encodePskClientKeyExchange(Buffer.from(creds.identity, 'utf8')),
        ),
      );
      preMaster = pskPreMasterSecret(creds.key);
      this.serverIdentity = { kind: 'psk', identity: creds.identity };
    } else {
      const ecdh = new EphemeralEcdh();
      preMaster = ecdh.sharedSecret(this.serverPoint!);
      items.push(
        this.message(HandshakeType.clientKeyExchange, encodeEcdheClientKeyExchange(ecdh.publicPoint)),
      );
    }
    this.master = this.ems
      ? extendedMasterSecret(preMaster, this.transcript.digest())
      : masterSecret(preMaster, this.clientRandom, this.serverRandom);
    preMaster.fill(0);
    if (signer) {
      // RFC 5246 §7.4.8: sign every handshake message so far.
      const signature = signEcdsaSha256(signer, this.transcript.bytes());
      const cv = encodeDigitallySigned({ algorithm: SIG_ECDSA_SECP256R1_SHA256, signature });
      items.push(this.message(HandshakeType.certificateVerify, cv));
    }
    this.installKeys();
    items.push({ kind: 'ccs', epoch: 0 } as const);
    const verify = finishedVerifyData(this.master, 'client', this.transcript.digest());
    items.push(this.message(HandshakeType.finished, verify, 1));
    this.record.switchWriteEpoch(1);
    this.finishedEpoch = 1;
    this.step = 'finished';
    this.sendFlight(items, false);
    this.replayDeferred();
  }

  private onFinished(msg: HandshakeMessage): void {
    expectMessage(msg, HandshakeType.finished, 1);
    const expected = finishedVerifyData(this.master!, 'server', this.transcript.digest());
    if (!constantTimeEqual(parseFinished(msg.body), expected)) {
      throw new DtlsError(AlertDescription.decrypt_error, 'Finished did not verify');
    }
    this.transcript.add(msg.msgType, msg.messageSeq, msg.body);
    const resumed = this.step === 'resumed_finished';
    this.step = 'done';
    if (resumed) {
      const verify = finishedVerifyData(this.master!, 'client', this.transcript.digest());
      const items = [{ kind: 'ccs', epoch: 0 } as const, this.message(HandshakeType.finished, verify, 1)];
      this.record.switchWriteEpoch(1);
      this.sendFlight(items, true);
    }
    const session: SessionState = {
      sessionId: this.sessionId,
      masterSecret: this.master!,
      cipherSuite: this.suite!,
      extendedMasterSecret: this.ems,
      peerIdentity: this.serverIdentity!,
      createdAt: resumed ? this.config.resume!.createdAt : this.env.clock.now(),
    };
    this.transcript.reset();
    this.establish(session, resumed);
  }

  private installKeys(): void {
    const suite = this.suite!;
    const block = keyBlock(this.master!, this.clientRandom, this.serverRandom, suite.keyBlockLength);
    this.record.install(1, suite.createProtection(block, false, this.env.randomBytes));
  }
}
