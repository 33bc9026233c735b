import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateFromSettings, limitsFromSettings } from './server-settings';

const settings = {
  COAPS_MAX_SESSIONS: 20_000,
  COAPS_MAX_HANDSHAKES: 1000,
  COAPS_MAX_HANDSHAKES_PER_ADDRESS: 8,
  COAPS_HANDSHAKES_PER_ADDRESS_PER_S: 10,
  COAPS_HANDSHAKE_BURST_PER_ADDRESS: 20,
  COAPS_SESSION_IDLE_S: 600,
};

describe('DTLS server settings', () => {
  it('maps the coaps limits, idle time in ms', () => {
    expect(limitsFromSettings(settings)).toEqual({
      maxSessions: 20_000,
      maxHandshakes: 1000,
      maxHandshakesPerAddress: 8,
      handshakesPerSecondPerAddress: 10,
      handshakeBurstPerAddress: 20,
      sessionIdleMs: 600_000,
    });
  });

  it('has no certificate without a key file, and reads the key and the chain bundle when given', () => {
    expect(certificateFromSettings(settings)).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'dtls-settings-'));
    try {
      writeFileSync(join(dir, 'key.pem'), 'KEY');
      writeFileSync(join(dir, 'chain.pem'), 'CHAIN');
      expect(certificateFromSettings({ ...settings, COAPS_PRIVATE_KEY_FILE: join(dir, 'key.pem') })).toEqual({
        privateKey: Buffer.from('KEY'),
      });
      expect(
        certificateFromSettings({
          ...settings,
          COAPS_PRIVATE_KEY_FILE: join(dir, 'key.pem'),
          COAPS_CERTIFICATE_FILE: join(dir, 'chain.pem'),
        }),
      ).toEqual({ privateKey: Buffer.from('KEY'), certificateChain: ['CHAIN'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
