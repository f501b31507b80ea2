// README.md cannot rot silently: every name in its Python → TypeScript table
// exists on both sides (Python's checked by the installed module itself), no
// public Python name is missing from it, and its usage example runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type JackServer,
  lockMetadata,
  nodeEnv,
  pythonJson,
  startJackServer,
} from '@jackbay/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../lib/index.js';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..');
const README = readFileSync(join(PACKAGE, 'README.md'), 'utf8');

interface Row {
  line: string;
  python: string[];
  ts: string[];
}

// The rows of every table in the reference section; cells split on '|' that is not escaped.
function referenceRows(): Row[] {
  const start = README.indexOf('## Reference: Python → TypeScript');
  const end = README.indexOf('\n## ', start + 1);
  const section = README.slice(start, end < 0 ? undefined : end);
  const code = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
  return section
    .split('\n')
    .filter(
      (line) => line.startsWith('| ') && !line.startsWith('| Python') && !line.startsWith('| ---'),
    )
    .map((line) => {
      const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
      return { line, python: code(cells[1] ?? ''), ts: code(cells[2] ?? '') };
    });
}

type Kind = 'method' | 'value';

/** A reference parsed from the TypeScript column. */
type TsRef =
  | { form: 'export'; name: string; call: boolean }
  | { form: 'member'; owner: string; key: string | symbol; kind: Kind }
  | { form: 'event'; owner: string; event: string }
  | { form: 'index'; owner: string; index: number };

function parseTs(text: string): TsRef | null {
  let m = /^([A-Za-z_$][\w$]*)(\(\))?$/.exec(text);
  if (m) return { form: 'export', name: m[1] as string, call: m[2] !== undefined };
  m = /^([A-Z]\w*)\.on\('(\w+)'\)$/.exec(text);
  if (m) return { form: 'event', owner: m[1] as string, event: m[2] as string };
  m = /^([A-Z]\w*)\.([A-Za-z_$][\w$]*)(\(\))?$/.exec(text);
  if (m)
    return {
      form: 'member',
      owner: m[1] as string,
      key: m[2] as string,
      kind: m[3] ? 'method' : 'value',
    };
  m = /^([A-Z]\w*)\[Symbol\.(\w+)\](\(\))?$/.exec(text);
  if (m) {
    const key = (Symbol as unknown as Record<string, symbol>)[m[2] as string];
    if (typeof key !== 'symbol') return null;
    return { form: 'member', owner: m[1] as string, key, kind: m[3] ? 'method' : 'value' };
  }
  m = /^([A-Z]\w*)\[(\d+)\]$/.exec(text);
  if (m) return { form: 'index', owner: m[1] as string, index: Number(m[2]) };
  return null;
}

/** A reference parsed from the Python column; free-form cells (`len(ports)`) give null. */
type PyRef =
  | { module: true; name: string; call: boolean }
  | { module: false; owner: string; member: string; kind: Kind };

function parsePython(text: string): PyRef | null {
  let m = /^jack\.(\w+)(\(\))?$/.exec(text);
  if (m) return { module: true, name: m[1] as string, call: m[2] !== undefined };
  m = /^([A-Z]\w*)\.(\w+)(\(\))?$/.exec(text);
  if (m)
    return {
      module: false,
      owner: m[1] as string,
      member: m[2] as string,
      kind: m[3] ? 'method' : 'value',
    };
  return null;
}

function descriptor(target: object, key: string | symbol): PropertyDescriptor | undefined {
  for (let o: object | null = target; o; o = Object.getPrototypeOf(o)) {
    const found = Object.getOwnPropertyDescriptor(o, key);
    if (found) return found;
  }
  return undefined;
}

interface PythonApi {
  module: Record<string, 'class' | 'function' | 'value'>;
  members: Record<string, Record<string, 'method' | 'value'>>;
}

// Public names of the installed module: module attributes, class members, and
// the attributes the exception classes set on their instances.
const PYTHON_API_CODE = `
import inspect
module = {}
members = {}
for name in dir(jack):
    if name.startswith('_'):
        continue
    obj = getattr(jack, name)
    module[name] = 'class' if inspect.isclass(obj) else 'function' if callable(obj) else 'value'
    if inspect.isclass(obj):
        members[name] = {m: 'method' if inspect.isfunction(v) else 'value'
                         for m, v in vars(obj).items() if not m.startswith('_')}
for cls, instance in ((jack.JackErrorCode, jack.JackErrorCode('m', 1)),
                      (jack.JackOpenError, jack.JackOpenError('n', jack.Status(0)))):
    for m in vars(instance):
        members[cls.__name__][m] = 'value'
print(json.dumps({'module': module, 'members': members}))
`;

let server: JackServer;
let client: lib.Client;
let other: lib.Client;
let instances: Record<string, object>;
let python: PythonApi;
const rows = referenceRows();

beforeAll(async () => {
  server = await startJackServer();
  client = new lib.Client('readme', { serverName: server.name });
  other = new lib.Client('readme-other', { serverName: server.name });
  other.midiOutports.register('midi_out');
  const ownPort = client.outports.register('out');
  const ownMidiPort = client.midiInports.register('midi_in');
  instances = {
    Client: client,
    Port: client.getPortByName('system:capture_1'),
    MidiPort: client.getPortByName('readme-other:midi_out'),
    OwnPort: ownPort,
    OwnMidiPort: ownMidiPort,
    Ports: client.outports,
    RingBuffer: new lib.RingBuffer(64),
    Status: client.status,
    TransportState: lib.ROLLING,
    JackError: new lib.JackError('x'),
    JackErrorCode: new lib.JackErrorCode('x', -1),
    JackOpenError: new lib.JackOpenError('x', new lib.Status(1)),
  };
  python = pythonJson<PythonApi>(server, PYTHON_API_CODE);
});
afterAll(async () => {
  client?.close();
  other?.close();
  await server?.stop();
});

describe('README reference table', () => {
  it('has rows, and the sample instances are of the classes they stand for', () => {
    expect(rows.length).toBeGreaterThan(150);
    expect(instances.Port).toBeInstanceOf(lib.Port);
    expect(instances.MidiPort).toBeInstanceOf(lib.MidiPort);
    expect(instances.MidiPort).not.toBeInstanceOf(lib.OwnPort);
    expect(instances.OwnMidiPort).toBeInstanceOf(lib.OwnMidiPort);
  });

  it('names only TypeScript members that exist, as methods or properties as written', () => {
    const problems: string[] = [];
    const exports = lib as unknown as Record<string, unknown>;
    for (const row of rows) {
      for (const text of row.ts) {
        const ref = parseTs(text);
        if (!ref) {
          problems.push(`unparseable TypeScript reference \`${text}\` in: ${row.line}`);
          continue;
        }
        if (ref.form === 'export') {
          if (!(ref.name in exports)) problems.push(`${text}: not exported by lib/index.ts`);
          else if (ref.call && typeof exports[ref.name] !== 'function')
            problems.push(`${text}: not a function`);
          continue;
        }
        const instance = instances[ref.owner];
        if (!instance) {
          problems.push(`${text}: no sample instance of ${ref.owner}`);
          continue;
        }
        if (ref.form === 'index') {
          if (!(ref.index in instance)) problems.push(`${text}: no index access`);
          continue;
        }
        if (ref.form === 'event') {
          try {
            const listener = () => {};
            client
              .on(ref.event as lib.ClientEvent, listener)
              .off(ref.event as lib.ClientEvent, listener);
          } catch (error) {
            problems.push(`${text}: ${(error as Error).message}`);
          }
          continue;
        }
        const found = descriptor(instance, ref.key);
        const isMethod = typeof found?.value === 'function';
        if (!found) problems.push(`${text}: ${ref.owner} has no member ${String(ref.key)}`);
        else if (ref.kind === 'method' && !isMethod) problems.push(`${text}: is not a method`);
        else if (ref.kind === 'value' && isMethod)
          problems.push(`${text}: is a method, write \`()\``);
      }
    }
    expect(problems).toEqual([]);
  });

  it('names only Python members that exist in the installed module', () => {
    const problems: string[] = [];
    for (const row of rows) {
      for (const text of row.python) {
        const ref = parsePython(text);
        if (!ref) continue; // free-form, like `len(ports)`
        if (ref.module) {
          const kind = python.module[ref.name];
          if (!kind) problems.push(`${text}: not in the jack module`);
          else if (ref.call !== (kind === 'function')) problems.push(`${text}: is a ${kind}`);
          continue;
        }
        const kind = python.members[ref.owner]?.[ref.member];
        if (!kind) problems.push(`${text}: jack.${ref.owner} has no ${ref.member}`);
        else if (kind !== ref.kind) problems.push(`${text}: is a ${kind}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('maps every public name of the Python module', () => {
    const listed = new Set(
      rows.flatMap((row) => row.python).map((text) => text.replace(/\(\)$/, '')),
    );
    const missing = [
      ...Object.keys(python.module).map((name) => `jack.${name}`),
      ...Object.entries(python.members).flatMap(([owner, members]) =>
        Object.keys(members).map((member) => `${owner}.${member}`),
      ),
    ].filter((name) => !listed.has(name));
    expect(missing).toEqual([]);
  });

  it('pairs Python methods with methods and properties with properties', () => {
    const problems: string[] = [];
    for (const row of rows) {
      const py = row.python.map(parsePython);
      const ts = parseTs(row.ts[0] ?? '');
      const [first] = py;
      if (py.length !== 1 || !first || first.module || ts?.form !== 'member') continue;
      if (first.kind !== ts.kind) problems.push(row.line);
    }
    expect(problems).toEqual([]);
  });
});

describe('README examples table', () => {
  it('lists every example that examples/run.ts knows, and no other', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'examples/run.ts'], {
      cwd: PACKAGE,
      env: nodeEnv(process.env),
      encoding: 'utf8',
    });
    const known = /^examples: (.*)$/m.exec(result.stderr)?.[1]?.split(', ') ?? [];
    expect(known).toContain('chatty_client');
    const section = README.slice(README.indexOf('## Examples'), README.indexOf('## Usage'));
    const listed = [...section.matchAll(/^\| `(\w+)` +\|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...known].sort());
  });
});

describe('README usage example', () => {
  it('runs against a server and prints what it says', async () => {
    const block = /```ts\n([\s\S]*?)```/.exec(README)?.[1];
    expect(block).toBeDefined();
    const libUrl = pathToFileURL(join(PACKAGE, 'lib', 'index.ts')).href;
    const source = (block as string).replace("'@jackbay/jack-native'", `'${libUrl}'`);
    expect(source).toContain(libUrl);
    const dir = mkdtempSync(join(tmpdir(), 'jackbay-readme-'));
    // It sets a pretty name: see metadata-lock.ts.
    const unlock = await lockMetadata();
    try {
      const file = join(dir, 'usage.mts'); // an ES module: the example awaits at top level
      writeFileSync(file, source);
      const result = spawnSync(process.execPath, ['--import', 'tsx', file], {
        cwd: PACKAGE,
        env: nodeEnv(server.env),
        encoding: 'utf8',
        timeout: 30000,
      });
      expect(result.stdout).toContain("jack.Port('system:capture_1')");
      expect(result.stdout).toContain("jack.OwnPort('MyGreatClient:input_1')");
      expect(result.stdout).toContain("jack.OwnPort('MyGreatClient:output_1')");
      expect(result.stdout).toContain('wrong-direction');
      expect(result.stdout).toMatch(
        /connected jack.OwnPort\('MyGreatClient:output_1'\) jack.Port\('system:playback_1'\)/,
      );
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      unlock();
    }
  }, 150_000);
});
