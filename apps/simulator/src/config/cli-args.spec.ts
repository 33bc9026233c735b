import { CliArgsError, parseCliArgs, parseEvents, splitHostPort } from './cli-args';

describe('simulator command line', () => {
  it('applies defaults and parses the documented options', () => {
    const args = parseCliArgs([
      '--tenant',
      'lyon',
      '--devices=200',
      '--server',
      '127.0.0.1:5683',
      '--seed',
      '42',
      '--mode',
      'send',
      '--rate',
      '500',
    ]);
    expect(args).toMatchObject({
      tenant: 'lyon',
      devices: 200,
      seed: 42,
      mode: 'send',
      rate: 500,
      lifetime: 300,
    });
    expect(splitHostPort(args.server)).toEqual({ address: '127.0.0.1', port: 5683 });
  });

  it.each([
    [['--devices', '10'], 'tenant'],
    [['--tenant', 'Lyon!'], 'tenant'],
    [['--tenant', 'lyon', '--mode', 'push'], 'mode'],
    [['--tenant', 'lyon', '--server', 'localhost'], 'host:port'],
    [['--tenant', 'lyon', '--colour', 'red'], 'unknown option'],
    [['--tenant'], 'needs a value'],
    [['--tenant', 'lyon', '--events', 'flood@3'], '--events'],
    [['--tenant', 'lyon', '--bootstrap-uri', 'coaps://127.0.0.1:5784'], 'go together'],
    [['--tenant', 'lyon', '--bootstrap-psk-file', 'v.csv'], 'go together'],
    [
      ['--tenant', 'lyon', '--bootstrap-uri', 'coap://127.0.0.1:5783', '--bootstrap-psk-file', 'v.csv'],
      'coaps',
    ],
    [
      [
        '--tenant',
        'lyon',
        '--bootstrap-uri',
        'coaps://h:5784',
        '--bootstrap-psk-file',
        'v',
        '--psk-file',
        'p',
      ],
      '--psk-file or --bootstrap-uri',
    ],
  ])('refuses %j (%s)', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliArgsError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });

  it('takes the bootstrap mode with its pacing defaults', () => {
    const args = parseCliArgs([
      '--tenant',
      'lyon',
      '--bootstrap-uri',
      'coaps://127.0.0.1:5784',
      '--bootstrap-psk-file',
      '.local/run/demo-lyon.bootstrap.csv',
    ]);
    expect(args).toMatchObject({
      'bootstrap-uri': 'coaps://127.0.0.1:5784',
      'bootstrap-concurrency': 10,
      'bootstrap-attempts': 5,
    });
    expect(parseCliArgs(['--tenant', 'lyon'])['bootstrap-uri']).toBeUndefined();
  });

  it('parses an event schedule', () => {
    expect(parseEvents('leak@30, lamp-failure@60:lyon-sl-0003')).toEqual([
      { event: 'leak', afterSeconds: 30 },
      { event: 'lamp-failure', afterSeconds: 60, endpoint: 'lyon-sl-0003' },
    ]);
  });
});
