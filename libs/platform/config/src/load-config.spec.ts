import { z } from 'zod';
import { bool, list, port } from './fields';
import { ConfigError, describeConfig, loadConfig, secret } from './load-config';

const schema = z.object({
  PORT: port(4000),
  VERBOSE: bool(false),
  BROKERS: list('a:1,b:2'),
  PASSWORD: secret(z.string().default('dev')),
});

describe('loadConfig', () => {
  it('applies documented defaults when variables are unset or blank', () => {
    expect(loadConfig(schema, { PORT: '' })).toEqual({
      PORT: 4000,
      VERBOSE: false,
      BROKERS: ['a:1', 'b:2'],
      PASSWORD: 'dev',
    });
  });

  it('coerces values from strings', () => {
    const config = loadConfig(schema, { PORT: '8080', VERBOSE: 'yes', BROKERS: 'x:9 , y:8' });
    expect(config).toMatchObject({ PORT: 8080, VERBOSE: true, BROKERS: ['x:9', 'y:8'] });
  });

  it('reports every invalid variable at once', () => {
    try {
      loadConfig(schema, { PORT: '99999', VERBOSE: 'maybe' });
      throw new Error('expected ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toHaveLength(2);
      expect((err as ConfigError).message).toMatch(/PORT/);
      expect((err as ConfigError).message).toMatch(/VERBOSE/);
    }
  });

  it('redacts secrets when describing the configuration', () => {
    const config = loadConfig(schema, { PASSWORD: 'hunter2' });
    expect(describeConfig(schema, config)).toMatchObject({ PASSWORD: '***', PORT: 4000 });
  });
});
