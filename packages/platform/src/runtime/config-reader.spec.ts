import { z } from 'zod';
import { InvalidConfigError, readConfig } from './config-reader';

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  MODE: z.enum(['on', 'off']).default('on'),
});

describe('reading a configuration', () => {
  it('answers the typed values, defaults filled in', () => {
    expect(readConfig('catalog', schema, { PORT: '4100' })).toEqual({ PORT: 4100, MODE: 'on' });
  });

  it('refuses it naming the service and every variable that is wrong, in one message', () => {
    const read = () => readConfig('catalog', schema, { PORT: '70000', MODE: 'maybe' });
    expect(read).toThrow(InvalidConfigError);
    expect(read).toThrow(/^Invalid configuration for catalog: PORT: .+; MODE: .+$/);
  });
});
