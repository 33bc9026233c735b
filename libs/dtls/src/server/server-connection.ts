import { type KeyObject } from 'node:crypto';
import { type PeerIdentity } from '@smartcity/coap';
import { Connection } from '../connection/connection';
import { type ConnectionEnv, type SessionState } from '../connection/types';
import { constantTimeEqual } from '../crypto/constant-time';
import { type EphemeralEcdh } from '../crypto/ecdhe';
import { verifyEcdsaSha256 } from '../crypto/signature';
import { DtlsError } from '../errors';
import { type CipherSuiteInfo } from '../handshake/cipher-suites';

import { type ClientHelloExtensions, decodeClientHelloExtensions } from '../handshake/hello-extensions';
import {
  extendedMasterSecret,
  finishedVerifyData,
  keyBlock,
  masterSecret,
  pskPreMasterSecret,
} from '../handshake/key-schedule';
import { parseCertificate, parseCertificateVerify } from '../handshake/messages/certificate';
import { type ClientHello, encodeServerHello, parseClientHello } from '../handshake/messages/hello';
import {
  encodePskServerKeyExchange,
  parseEcdheClientKeyExchange,
  parseFinished,
  parsePskClientKeyExchange,
} from '../handshake/messages/key-exchange';
import { type HandshakeMessage } from '../handshake/reassembler';
import {
  AlertDescription,
  DTLS_1_2,
  HandshakeType,
  MAX_SEQUENCE,
  SIG_ECDSA_SECP256R1_SHA256,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
} from '../protocol/constants';
import { expectMessage } from '../handshake/expect-message';
import { authenticateClient } from '../handshake/peer-authentication';
import { ecdheServerMessages, serverHelloExtensions } from './server-messages';
import { checkClientHelloBasics, type Negotiation, negotiate } from './negotiation';
import { type ServerHandshakeConfig } from './server-config';

type Step =
  | 'client_hello'
  | 'certificate'
  | 'client_key_exchange'
  | 'certificate_verify'
  | 'finished'
  | 'resumed_finished'
  | 'done';

/**
 * The server side of the DTLS 1.2 handshake (RFC 6347 §4.2.4 figures 1 and 2, RFC 5246 §7.3): a full handshake
 * (flights 4 and 6) or, for a cached session id, the abbreviated one. Created by the transport only after the
 * ClientHello carried a valid cookie (RFC 6347 §4.2.1), so everything here is bound to a verified address.
 */
export class ServerConnection extends Connection {
  private step: Step = 'client_hello';
  private ext: ClientHelloExtensions | undefined;
  private negotiation: Negotiation | undefined;
  private suite: CipherSuiteInfo | undefined;
  private ems = false;
  private clientRandom: Buffer = Buffer.alloc(0);
  private serverRandom: Buffer = Buffer.alloc(0);
  private sessionId: Buffer = Buffer.alloc(0);
  private master: Buffer | undefined;
  private ecdh: EphemeralEcdh | undefined;
  private peerIdentity: PeerIdentity | undefined;
  private clientKey: KeyObject | undefined;
  private sessionCreatedAt = 0;
  /** The connection id we issued (RFC 9146), which the transport indexes. */
  localCid: Buffer | undefined;
  /** The ClientHello random, to tell a retransmitted ClientHello from a new one. */
  readonly clientHelloRandom: Buffer;

  constructor(
    env: ConnectionEnv,
    private readonly config: ServerHandshakeConfig,
    address: string,
    port: number,
    hello: { readonly random: Buffer; readonly messageSeq: number; readonly recordSeq: number },
    private readonly onCidIssued: (conn: ServerConnection, cid: Buffer) => void,
  ) {
    super(env, address, port, hello.messageSeq);
    this.clientHelloRandom = Buffer.from(hello.random);
    // RFC 6347 §4.2.2: after a stateless HelloVerifyRequest the ServerHello takes the ClientHello's message_seq
    // (the server's first message is the HVR it never remembered); §4.2.1: record numbers continue from the
    // ClientHello's, so they never repeat the HVR's.
    this.nextMessageSeq = hello.messageSeq;
    // A ClientHello numbered near the end of the 48-bit space would leave us none: start from 0 then (the
    // HelloVerifyRequest, numbered like the first ClientHello, is then far above and never repeated).
    this.record.setNextWriteSequence(0, hello.recordSeq < MAX_SEQUENCE - 0xffff ? hello.recordSeq : 0);
  }

  protected isRenegotiationRequest(msgType: number): boolean {
    return msgType === HandshakeType.clientHello;
  }

  protected onHandshakeMessage(msg: HandshakeMessage): void | Promise<void> {
    switch (this.step) {
      case 'client_hello':
        return this.onClientHello(msg);
      case 'certificate':
        return this.onCertificate(msg);
      case 'client_key_exchange':
        return this.onClientKeyExchange(msg);
      case 'certificate_verify':
        return this.onCertificateVerify(msg);
      case 'finished':
      case 'resumed_finished':
        return this.onFinished(msg);
      case 'done':
        return;
    }
  }

  private async onClientHello(msg: HandshakeMessage): Promise<void> {
    expectMessage(msg, HandshakeType.clientHello, 0);
    const hello = parseClientHello(msg.body);
    this.transcript.add(msg.msgType, msg.messageSeq, msg.body);
    checkClientHelloBasics(hello);
    const ext = decodeClientHelloExtensions(
      hello.extensions,
      hello.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV),
    );
    this.ext = ext;
    // RFC 7627 §5.2: a server MAY abort a handshake without extended_master_secret; ours does unless configured.
    if (!ext.extendedMasterSecret && !this.config.allowLegacyNoEms) {
      throw new DtlsError(AlertDescription.handshake_failure, 'extended_master_secret required (RFC 7627)');
    }
    this.clientRandom = Buffer.from(hello.random);
    this.serverRandom = this.env.randomBytes(32);
    if (ext.connectionId !== undefined && this.config.issueCid) {
      // RFC 9146 §3: we receive with our CID; we send with the (possibly empty) one the client asked for.
      this.localCid = this.config.issueCid();
      this.record.receiveCid = this.localCid;
      this.record.sendCid = ext.connectionId.length > 0 ? ext.connectionId : undefined;
      this.onCidIssued(this, this.localCid);
    }
    if (hello.sessionId.length > 0 && this.config.sessions) {
      const stored = await this.config.sessions.lookup(Buffer.from(hello.sessionId)).catch(() => undefined);
      if (this.state !== 'handshake') return;
      if (stored && this.canResume(stored, hello, ext)) return this.resume(stored);
    }
    this.fullHandshake(hello, ext);
  }

  private canResume(stored: SessionState, hello: ClientHello, ext: ClientHelloExtensions): boolean {
    const id = stored.cipherSuite.id;
    if (!hello.cipherSuites.includes(id) || !this.config.suites.some((s) => s.id === id)) return false;
    if (stored.cipherSuite.keyExchange === 'psk' ? !this.config.psk : !this.config.ecdsa) return false;
    // RFC 7627 §5.3: resuming an EMS session without EMS MUST abort; the reverse falls back to a full handshake.
    if (stored.extendedMasterSecret && !ext.extendedMasterSecret) {
      throw new DtlsError(AlertDescription.handshake_failure, 'resumption without extended_master_secret');
    }
    return stored.extendedMasterSecret === ext.extendedMasterSecret;
  }

  private serverHello(resumed: boolean): Buffer {
    const extensions = serverHelloExtensions(
      this.ext!,
      this.ems,
      this.localCid,
      resumed ? undefined : this.negotiation,
    );
    return encodeServerHello({
      serverVersion: DTLS_1_2,
      random: this.serverRandom,
      sessionId: this.sessionId,
      cipherSuite: this.suite!.id,
      compressionMethod: 0,
      extensions,
    });
  }

  private fullHandshake(hello: ClientHello, ext: ClientHelloExtensions): void {
    const neg = negotiate(hello, ext, this.config);
    this.negotiation = neg;
    this.suite = neg.suite;
    this.ems = ext.extendedMasterSecret;
    this.sessionId = this.env.randomBytes(32);
    const items = [this.message(HandshakeType.serverHello, this.serverHello(false))];
    if (neg.suite.keyExchange === 'ecdhe_ecdsa') {
      const m = ecdheServerMessages(this.config.ecdsa!, neg, this.clientRandom, this.serverRandom);
      this.ecdh = m.ecdh;
      items.push(this.message(HandshakeType.certificate, m.certificate));
      items.push(this.message(HandshakeType.serverKeyExchange, m.serverKeyExchange));
      items.push(this.message(HandshakeType.certificateRequest, m.certificateRequest));
      this.step = 'certificate';
    } else {
      const hint = this.config.psk?.identityHint;
      if (hint) items.push(this.message(HandshakeType.serverKeyExchange, encodePskServerKeyExchange(hint)));
      this.step = 'client_key_exchange';
    }
    items.push(this.message(HandshakeType.serverHelloDone, Buffer.alloc(0)));
    this.sendFlight(items, false);
  }

  /** RFC 5246 §7.3 abbreviated handshake: ServerHello, ChangeCipherSpec, Finished from the cached master secret. */
  private resume(stored: SessionState): void {
    this.suite = stored.cipherSuite;
    this.ems = stored.extendedMasterSecret;
    this.sessionId = stored.sessionId;
    this.master = stored.masterSecret;
    this.peerIdentity = stored.peerIdentity;
    this.sessionCreatedAt = stored.createdAt;
    const items = [this.message(HandshakeType.serverHello, this.serverHello(true))];
    this.installKeys();
    items.push({ kind: 'ccs', epoch: 0 });
    const verify = finishedVerifyData(this.master, 'server', this.transcript.digest());
    items.push(this.message(HandshakeType.finished, verify, 1));
    this.record.switchWriteEpoch(1);
    this.finishedEpoch = 1;
    this.step = 'resumed_finished';
    this.sendFlight(items, false);
    this.replayDeferred();
  }

  private async onCertificate(msg: HandshakeMessage): Promise<void> {
    expectMessage(msg, HandshakeType.certificate, 0);
    const auth = this.config.clientAuth;
    const cert = parseCertificate(msg.body, this.negotiation!.clientCertificateType!, auth.maxChainLength);
    this.transcript.add(msg.msgType, msg.messageSeq, msg.body);
    const peer = { address: this.address, port: this.port };
    const authenticated = await authenticateClient(cert, auth, peer, this.env.clock.now());
    if (this.state !== 'handshake') return;
    this.clientKey = authenticated.key;
    this.peerIdentity = authenticated.identity;
    this.step = 'client_key_exchange';
  }

  private async onClientKeyExchange(msg: HandshakeMessage): Promise<void> {
    expectMessage(msg, HandshakeType.clientKeyExchange, 0);
    // RFC 7627 §3: the session hash covers the messages up to and including ClientKeyExchange.
    this.transcript.add(msg.msgType, msg.messageSeq, msg.body);
    let preMaster: Buffer;
    if (this.suite!.keyExchange === 'psk') {
      const psk = this.config.psk!;
      const raw = parsePskClientKeyExchange(msg.body, this.config.maxPskIdentityBytes);
      const identity = raw.toString('utf8');
      // RFC 4279 §5.1: identities are UTF-8; bytes that are not valid UTF-8 are simply an unknown identity.
      const valid = Buffer.from(identity, 'utf8').equals(raw);
      let key: Buffer | undefined;
      if (valid) {
        try {
          key = await psk.resolve(identity, { address: this.address, port: this.port });
        } catch {
          throw new DtlsError(AlertDescription.internal_error, 'PSK lookup failed');
        }
        if (this.state !== 'handshake') return;
      }
      // RFC 4279 §2: an unknown identity continues with a stand-in key and fails at Finished like a wrong key.
      preMaster = pskPreMasterSecret(key && key.length > 0 ? key : psk.standInKey(raw));
      this.peerIdentity = { kind: 'psk', identity };
    } else {
      preMaster = this.ecdh!.sharedSecret(parseEcdheClientKeyExchange(msg.body));
      this.ecdh = undefined;
    }
    this.master = this.ems
      ? extendedMasterSecret(preMaster, this.transcript.digest())
      : masterSecret(preMaster, this.clientRandom, this.serverRandom);
    preMaster.fill(0);
    this.installKeys();
    this.finishedEpoch = 1;
    this.step = this.clientKey ? 'certificate_verify' : 'finished';
    this.replayDeferred();
  }

  private onCertificateVerify(msg: HandshakeMessage): void {
    expectMessage(msg, HandshakeType.certificateVerify, 0);
    const cv = parseCertificateVerify(msg.body);
    // RFC 5246 §7.4.8: the algorithm must be one the CertificateRequest listed.
    if (cv.algorithm !== SIG_ECDSA_SECP256R1_SHA256) {
      throw new DtlsError(AlertDescription.illegal_parameter, 'CertificateVerify algorithm not offered');
    }
    if (!verifyEcdsaSha256(this.clientKey!, this.transcript.bytes(), cv.signature)) {
      throw new DtlsError(AlertDescription.decrypt_error, 'CertificateVerify signature invalid');
    }
    this.transcript.add(msg.msgType, msg.messageSeq, msg.body);
    this.step = 'finished';
  }

  private onFinished(msg: HandshakeMessage): void {
    expectMessage(msg, HandshakeType.finished, 1);
    const expected = finishedVerifyData(this.master!, 'client', this.transcript.digest());
    if (!constantTimeEqual(parseFinished(msg.body), expected)) {
      throw new DtlsError(AlertDescription.decrypt_error, 'Finished did not verify');
    }
    this.transcript.add(msg.msgType, msg.messageSeq, msg.body);
    const resumed = this.step === 'resumed_finished';
    this.step = 'done';
    const session: SessionState = {
      sessionId: this.sessionId,
      masterSecret: this.master!,
      cipherSuite: this.suite!,
      extendedMasterSecret: this.ems,
      peerIdentity: this.peerIdentity!,
      createdAt: resumed ? this.sessionCreatedAt : this.env.clock.now(),
    };
    if (!resumed) {
      const verify = finishedVerifyData(this.master!, 'server', this.transcript.digest());
      const items = [{ kind: 'ccs', epoch: 0 } as const, this.message(HandshakeType.finished, verify, 1)];
      this.record.switchWriteEpoch(1);
      this.sendFlight(items, true);
      this.config.sessions?.save(session);
    }
    this.transcript.reset();
    this.clientKey = undefined;
    this.establish(session, resumed);
  }

  private installKeys(): void {
    const suite = this.suite!;
    const block = keyBlock(this.master!, this.clientRandom, this.serverRandom, suite.keyBlockLength);
    this.record.install(1, suite.createProtection(block, true, this.env.randomBytes));
  }
}
