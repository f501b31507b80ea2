// Strings with a NUL byte: JACK's names are C strings, so 'system:playback_1\0junk'
// would act on system:playback_1. Every such string is refused with a
// TypeError (code ERR_INVALID_ARG_VALUE, as Node refuses such paths), and the
// graph seen from outside (jack_lsp -c) does not change.
import { type JackServer, startJackServer } from '@jackbay/test-support';
import { clientOpener } from '@jackbay/test-support/clients';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../lib/index.js';
import { lspGraph } from './fixtures/graph.js';

let server: JackServer;
const open = clientOpener((name: string) => new Client(name, { serverName: server.name }));

beforeAll(async () => {
  server = await startJackServer();
});
afterAll(async () => {
  await server.stop();
});

function expectNulRefused(fn: () => unknown): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(String(thrown), fn.toString()).toMatch(/NUL byte/);
  expect(thrown).toBeInstanceOf(TypeError);
  expect((thrown as { code?: string }).code).toBe('ERR_INVALID_ARG_VALUE');
  expect((thrown as Error).message).toMatch(/NUL byte/);
}

describe('a NUL byte in a string', () => {
  it('is refused everywhere a name goes to JACK, and the graph does not change', () => {
    const client = open('nul');
    const out = client.outports.register('out');
    client.activate();
    client.connect('nul:out', 'system:playback_1');
    const before = lspGraph(server);

    expectNulRefused(() => new Client('ab\0cd', { serverName: server.name }));
    expectNulRefused(() => client.getPortByName('system:playback_1\0junk'));
    expectNulRefused(() => client.connect('nul:out\0x', 'system:playback_2'));
    expectNulRefused(() => client.connect('nul:out', 'system:playback_2\0x'));
    expectNulRefused(() => client.disconnect('nul:out\0x', 'system:playback_1'));
    expectNulRefused(() => client.outports.register('two\0three'));
    expectNulRefused(() => {
      out.shortname = 'renamed\0x';
    });
    expectNulRefused(() => client.getPorts('system\0x'));
    expectNulRefused(() => out.isConnectedTo('system:playback_1\0x'));
    expectNulRefused(() =>
      client.setProperty(out, 'http://jackaudio.org/metadata/pretty-name\0x', 'x'),
    );
    expectNulRefused(() =>
      client.setProperty(out, 'http://jackaudio.org/metadata/pretty-name', 'a\0b'),
    );

    expect(lspGraph(server)).toBe(before);
    expect(out.name).toBe('nul:out');
    expect(client.getPorts('^nul:').map((port) => port.name)).toEqual(['nul:out']);
  });
});
