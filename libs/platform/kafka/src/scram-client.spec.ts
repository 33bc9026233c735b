import { ScramClientSession } from './scram-client';
import { ScramMechanism } from './scram-codec';

// RFC 7677 §3: the SCRAM-SHA-256 exchange of user "user" with password "pencil".
const CLIENT_NONCE = 'rOprNGfwEbeRWgbNEkqO';
const SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
const CLIENT_FINAL =
  'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
const SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';

const session = () => new ScramClientSession(ScramMechanism.ScramSha256, 'user', 'pencil', CLIENT_NONCE);

describe('SCRAM client session (RFC 5802 §3)', () => {
  it('reproduces the RFC 7677 §3 exchange message by message', () => {
    const s = session();
    expect(s.clientFirst()).toBe(`n,,n=user,r=${CLIENT_NONCE}`);
    expect(s.clientFinal(SERVER_FIRST)).toBe(CLIENT_FINAL);
    expect(() => s.verifyServerFinal(SERVER_FINAL)).not.toThrow();
  });

  it('escapes , and = in the username (saslname, RFC 5802 §5.1)', () => {
    const s = new ScramClientSession(ScramMechanism.ScramSha512, 'a,b=c', 'p', 'nonce');
    expect(s.clientFirst()).toBe('n,,n=a=2Cb=3Dc,r=nonce');
  });

  it.each([
    ['a server nonce that does not extend ours', SERVER_FIRST.replace('r=rOpr', 'r=xOpr'), /nonce/],
    ['fewer than 4096 iterations', SERVER_FIRST.replace('i=4096', 'i=1000'), /4096/],
    ['a mandatory extension', `m=ext,${SERVER_FIRST}`, /extension/],
    ['no salt', 'r=rOprNGfwEbeRWgbNEkqOxyz,i=4096', /malformed/],
  ])('refuses %s', (_name, serverFirst, message) => {
    expect(() => session().clientFinal(serverFirst)).toThrow(message);
  });

  it('refuses a wrong server signature and a server error', () => {
    const s = session();
    s.clientFinal(SERVER_FIRST);
    expect(() => s.verifyServerFinal('v=AAAA')).toThrow(/server signature/);
    expect(() => s.verifyServerFinal('e=invalid-proof')).toThrow(/invalid-proof/);
  });
});
