import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../lib/index.js';
import { type JackServer, startJackServer } from './helpers/jack-server.js';
import { jackTool } from './helpers/peer.js';

let server: JackServer;
beforeAll(async () => {
  server = await startJackServer();
});
afterAll(async () => {
  await server.stop();
});

describe('smoke', () => {
  it('registers a port that jack_lsp sees', () => {
    const client = new Client('smoke', { serverName: server.name });
    client.outports.register('out');
    client.activate();
    expect(jackTool(server, 'jack_lsp')).toContain('smoke:out');
    client.close();
  });
});
