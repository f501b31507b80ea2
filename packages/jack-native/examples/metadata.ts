// Lists JACK metadata, and sets or removes the pretty name of a client or port
// (the name patchbays show instead of the JACK name).
// (Like the Python module's metadata.py, for any client or port.)
//
//   pnpm --filter @jackbay/jack-native example metadata
//   pnpm --filter @jackbay/jack-native example metadata set system:capture_1 'Left mic'
//   pnpm --filter @jackbay/jack-native example metadata remove system:capture_1
import {
  Client,
  getAllProperties,
  getProperty,
  JackError,
  METADATA_PRETTY_NAME,
  type Property,
} from '../lib/index.js';
import { commandLine, exitWithError } from './common.js';

const { positionals, clientOptions, fail } = commandLine(
  `usage: metadata [list | set SUBJECT NAME | remove SUBJECT]

  list      print every property of every client and port (the default)
  set       give SUBJECT (a client name or a full port name) a pretty name
  remove    remove SUBJECT's pretty name`,
  {},
);
const [command = 'list', subject, name, ...extra] = positionals;
const ARITY: Record<string, number> = { list: 0, set: 2, remove: 1 };
const arity = ARITY[command];
if (arity === undefined) fail(`unknown command '${command}'`);
if ([subject, name].filter((value) => value !== undefined).length !== arity || extra.length > 0)
  fail(`'${command}' takes ${arity} argument(s)`);

let client: Client;
try {
  client = new Client('metadata', clientOptions);
} catch (error) {
  exitWithError(error);
}

// A subject's UUID and a readable label. Ports are tried first; a client name
// never contains a port's full name, so the order cannot mislead.
function resolve(what: string): { uuid: string; label: string } {
  try {
    const port = client.getPortByName(what);
    return { uuid: port.uuid, label: `port '${port.name}'` };
  } catch (error) {
    if (!(error instanceof JackError)) throw error;
  }
  try {
    return { uuid: client.getUuidForClientName(what), label: `client '${what}'` };
  } catch (error) {
    if (!(error instanceof JackError)) throw error;
    throw new JackError(`no client or port is called '${what}'`, 'port-not-found');
  }
}

function formatValue({ value, type }: Property): string {
  if (type === '' || type.startsWith('text/')) return `'${value.toString('utf8')}'`;
  return `<${value.length} bytes of ${type}>`;
}

function list(): void {
  const labels = new Map<string, string>();
  for (const port of client.getPorts()) labels.set(port.uuid, `port '${port.name}'`);
  const all = getAllProperties();
  const subjects = Object.keys(all);
  if (subjects.length === 0) console.log('no metadata');
  for (const uuid of subjects) {
    let label = labels.get(uuid);
    if (label === undefined) {
      try {
        label = `client '${client.getClientNameByUuid(uuid)}'`;
      } catch {
        label = 'unknown subject';
      }
    }
    console.log(`${label} (UUID ${uuid}):`);
    for (const [key, property] of Object.entries(all[uuid] ?? {}))
      console.log(`  ${key} = ${formatValue(property)}`);
  }
}

try {
  if (command === 'list') list();
  else if (command === 'set' && subject !== undefined && name !== undefined) {
    const target = resolve(subject);
    client.setProperty(target.uuid, METADATA_PRETTY_NAME, name);
    const stored = getProperty(target.uuid, METADATA_PRETTY_NAME);
    console.log(`${target.label}: pretty name is now ${stored ? formatValue(stored) : 'unset'}`);
  } else if (command === 'remove' && subject !== undefined) {
    const target = resolve(subject);
    client.removeProperty(target.uuid, METADATA_PRETTY_NAME);
    console.log(`${target.label}: pretty name removed`);
  }
} catch (error) {
  if (error instanceof JackError) console.error(`${error.name}: ${error.message}`);
  else console.error(error);
  process.exitCode = 1;
} finally {
  client.close();
}
