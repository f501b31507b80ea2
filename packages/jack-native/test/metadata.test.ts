// JACK metadata: writes on Client, module-level reads, the well-known keys,
// checked against the Python `jack` module in both directions.

import {
  type JackServer,
  type LongPeer,
  lockMetadata,
  PATIENT_START_MS,
  PATIENT_TIMEOUT,
  pythonJson,
  pythonPeer,
  startJackServer,
  unlessPipeWire,
  waitFor,
} from '@jackbay/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as jackNative from '../lib/index.js';
import {
  Client,
  getAllProperties,
  getProperties,
  getProperty,
  JackError,
  JackErrorCode,
  METADATA_PORT_GROUP,
  METADATA_PRETTY_NAME,
  type OwnPort,
  type Subject,
} from '../lib/index.js';

let server: JackServer;
let client: Client;
let port: OwnPort;
let peer: LongPeer;
// UUIDs of the peer's client and port, as the peer reports them.
let ids: { client: string; port: string };

const decode = (value: Buffer | undefined) => value?.toString('utf8');

// Metadata is one store for all of a user's JACK servers: hold the lock.
let unlockMetadata: (() => void) | undefined;
beforeAll(async () => {
  unlockMetadata = await lockMetadata();
  server = await startJackServer({ startTimeoutMs: PATIENT_START_MS });
  client = new Client('md-main', { serverName: server.name });
  port = client.outports.register('out');
  client.activate();
  // A Python client that sets and reads properties on request.
  peer = pythonPeer(
    server,
    `
c = jack.Client('md-peer', no_start_server=True)
p = c.outports.register('out')
c.activate()
print(json.dumps({'client': c.uuid, 'port': str(p.uuid)}))
def show(prop):
    return None if prop is None else [prop[0].decode('utf-8', 'replace'), prop[1]]
for line in sys.stdin:
    cmd = json.loads(line)
    if cmd[0] == 'set':
        c.set_property(int(cmd[1]), cmd[2], cmd[3], cmd[4])
        print('null')
    elif cmd[0] == 'get':
        print(json.dumps(show(jack.get_property(int(cmd[1]), cmd[2]))))
    elif cmd[0] == 'getall':
        print(json.dumps({str(s): {k: show(v) for k, v in props.items()}
                          for s, props in jack.get_all_properties().items()}))
`,
  );
  ids = JSON.parse(await peer.line());
}, PATIENT_TIMEOUT);
afterAll(async () => {
  unlockMetadata?.();
  await peer?.stop();
  client?.close();
  await server?.stop();
});

async function ask<T>(...cmd: string[]): Promise<T> {
  peer.send(JSON.stringify(cmd));
  return JSON.parse(await peer.line()) as T;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an exception');
}

describe('well-known keys', () => {
  it('METADATA_* and PROPERTY_* equal the Python module’s values, name for name', () => {
    const theirs = pythonJson<Record<string, string | number>>(
      server,
      "print(json.dumps({n: getattr(jack, n) for n in dir(jack) if n.startswith(('METADATA_', 'PROPERTY_'))}))",
    );
    const ours = Object.fromEntries(
      Object.entries(jackNative).filter(([name]) => /^(METADATA|PROPERTY)_/.test(name)),
    );
    expect(Object.keys(theirs).length).toBeGreaterThanOrEqual(13);
    expect(ours).toEqual(theirs);
  });
});

describe('both directions', () => {
  it('what we set, the Python module reads (client and port, UTF-8, types)', async () => {
    client.setProperty(client, METADATA_PRETTY_NAME, 'Grüße 🎹');
    client.setProperty(port, METADATA_PORT_GROUP, 'group-1', 'text/x-jackbay');
    // Polled: PipeWire hands metadata to other clients asynchronously.
    await expect
      .poll(() => ask('get', client.uuid, METADATA_PRETTY_NAME), { timeout: 5000 })
      .toEqual(['Grüße 🎹', '']);
    await expect
      .poll(() => ask('get', port.uuid, METADATA_PORT_GROUP), { timeout: 5000 })
      .toEqual(['group-1', 'text/x-jackbay']);
    const all = await ask<Record<string, Record<string, [string, string]>>>('getall');
    expect(all[client.uuid]?.[METADATA_PRETTY_NAME]).toEqual(['Grüße 🎹', '']);
  });

  it('what the Python module sets, we read through every kind of subject', async () => {
    await ask('set', ids.client, METADATA_PRETTY_NAME, 'Peer Pretty', '');
    await ask('set', ids.port, METADATA_PRETTY_NAME, 'Peer Port', 'text/plain');
    // PipeWire hands another client's metadata over asynchronously (JACK2's store at once).
    await waitFor(
      () =>
        getProperty(ids.client, METADATA_PRETTY_NAME) &&
        getProperty(ids.port, METADATA_PRETTY_NAME),
      5000,
      'the peer’s metadata',
    );
    const theirPort = client.getPortByName('md-peer:out');
    expect(theirPort.uuid).toBe(ids.port);
    const subjects: Subject[] = [ids.client, BigInt(ids.client)];
    for (const subject of subjects) {
      const property = getProperty(subject, METADATA_PRETTY_NAME);
      expect(decode(property?.value)).toBe('Peer Pretty');
      expect(property?.type).toBe('');
    }
    for (const subject of [theirPort, ids.port, BigInt(ids.port)]) {
      const property = getProperty(subject, METADATA_PRETTY_NAME);
      expect(decode(property?.value)).toBe('Peer Port');
      expect(property?.type).toBe('text/plain');
    }
    const properties = getProperties(theirPort);
    expect(Object.keys(properties)).toEqual([METADATA_PRETTY_NAME]);
    expect(decode(getAllProperties()[ids.port]?.[METADATA_PRETTY_NAME]?.value)).toBe('Peer Port');
  });

  it('a Client, a Port, a UUID string and a bigint name the same subject', () => {
    client.setProperty(BigInt(port.uuid), 'urn:jackbay:a', 'via bigint');
    client.setProperty(port.uuid, 'urn:jackbay:b', 'via string');
    for (const subject of [port, port.uuid, BigInt(port.uuid)]) {
      expect(decode(getProperty(subject, 'urn:jackbay:a')?.value)).toBe('via bigint');
      expect(decode(getProperty(subject, 'urn:jackbay:b')?.value)).toBe('via string');
    }
    expect(decode(getProperty(client, METADATA_PRETTY_NAME)?.value)).toBe(
      decode(getProperty(client.uuid, METADATA_PRETTY_NAME)?.value),
    );
  });

  unlessPipeWire(it, 'metadataDiffers')('bytes values round-trip unchanged', async () => {
    const bytes = new Uint8Array([0xe2, 0x82, 0xac, 0x41, 0x7f]);
    client.setProperty(client, 'urn:jackbay:bytes', bytes, 'application/octet-stream');
    const property = getProperty(client, 'urn:jackbay:bytes');
    expect(property?.value).toBeInstanceOf(Buffer);
    expect([...(property?.value ?? [])]).toEqual([...bytes]);
    expect(property?.type).toBe('application/octet-stream');
    expect(await ask('get', client.uuid, 'urn:jackbay:bytes')).toEqual([
      '€A\x7f',
      'application/octet-stream',
    ]);
  });
});

describe('removal', () => {
  unlessPipeWire(it, 'metadataDiffers')(
    'removeProperty removes one key, for us and for the peer; a missing key is an error',
    async () => {
      client.setProperty(client, 'urn:jackbay:gone', 'soon');
      client.removeProperty(client, 'urn:jackbay:gone');
      expect(getProperty(client, 'urn:jackbay:gone')).toBeNull();
      expect(await ask('get', client.uuid, 'urn:jackbay:gone')).toBeNull();
      const error = thrown(() => client.removeProperty(client, 'urn:jackbay:gone'));
      expect(error).toBeInstanceOf(JackErrorCode);
    },
  );

  unlessPipeWire(it, 'metadataDiffers')(
    'removeProperties removes every key of one subject and says how many',
    () => {
      client.setProperty(port, 'urn:jackbay:x', '1');
      client.setProperty(port, 'urn:jackbay:y', '2');
      const before = Object.keys(getProperties(port)).length;
      expect(before).toBeGreaterThanOrEqual(2);
      const keepers = getProperties(client);
      expect(client.removeProperties(port)).toBe(before);
      expect(getProperties(port)).toEqual({});
      expect(client.removeProperties(port.uuid)).toBe(0);
      expect(getProperties(client)).toEqual(keepers);
    },
  );

  it('getProperty of an unknown key is null; getProperties of a bare subject is empty', () => {
    expect(getProperty(client, 'urn:jackbay:never')).toBeNull();
    expect(getProperties('424242')).toEqual({});
  });
});

describe('bad input', () => {
  const badUuids: unknown[] = [
    'abc',
    '',
    '-1',
    '1e3',
    ' 12',
    '18446744073709551616', // 2^64
    2n ** 64n,
    -1n,
  ];

  it('a malformed UUID gives JackError kind bad-uuid everywhere and changes nothing', () => {
    const before = getAllProperties();
    for (const uuid of badUuids) {
      const subject = uuid as Subject;
      for (const attempt of [
        () => getProperty(subject, METADATA_PRETTY_NAME),
        () => getProperties(subject),
        () => client.setProperty(subject, METADATA_PRETTY_NAME, 'x'),
        () => client.removeProperty(subject, METADATA_PRETTY_NAME),
        () => client.removeProperties(subject),
      ]) {
        const error = thrown(attempt);
        expect(error, String(uuid)).toBeInstanceOf(JackError);
        expect((error as JackError).kind, String(uuid)).toBe('bad-uuid');
      }
    }
    expect(getAllProperties()).toEqual(before);
  });

  it('wrong argument types give TypeError and change nothing', () => {
    const before = getAllProperties();
    const key = 'urn:jackbay:typed';
    for (const subject of [5, null, undefined, {}, { uuid: 5 }, true])
      expect(() => client.setProperty(subject as never, key, 'x')).toThrow(TypeError);
    for (const bad of [5, '', 'a\0b', null])
      expect(() => client.setProperty(client, bad as never, 'x')).toThrow(TypeError);
    // JACK stores C strings: a NUL would silently cut the value short.
    for (const bad of [5, null, 'a\0b', new Uint8Array([65, 0, 66]), [65, 66]])
      expect(() => client.setProperty(client, key, bad as never)).toThrow(TypeError);
    for (const bad of [5, null, 'text/\0plain'])
      expect(() => client.setProperty(client, key, 'x', bad as never)).toThrow(TypeError);
    expect(() => getProperty(client, 5 as never)).toThrow(TypeError);
    expect(() => getProperty(7 as never, key)).toThrow(TypeError);
    expect(() => getProperties(null as never)).toThrow(TypeError);
    expect(() => client.removeProperty(client, 5 as never)).toThrow(TypeError);
    expect(getAllProperties()).toEqual(before);
  });
});

describe('removeAllProperties', () => {
  // Last: it clears the whole server.
  unlessPipeWire(it, 'metadataDiffers')('clears every subject, as the peer sees too', async () => {
    client.setProperty(client, METADATA_PRETTY_NAME, 'again');
    expect(Object.keys(getAllProperties()).length).toBeGreaterThan(0);
    client.removeAllProperties();
    expect(getAllProperties()).toEqual({});
    expect(await ask('getall')).toEqual({});
  });
});
