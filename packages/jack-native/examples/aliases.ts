// Shows, sets and unsets the aliases of JACK ports (a port has up to two
// alternative names; JACK2 gives system ports their ALSA names this way).
// (Like the Python module's aliases.py, aimed at one port.)
//
//   pnpm --filter @jackbay/jack-native example aliases                  # every port with aliases
//   pnpm --filter @jackbay/jack-native example aliases system:capture_1 --set mic
//   pnpm --filter @jackbay/jack-native example aliases system:capture_1 --unset mic
import { Client, JackError, type Port } from '../lib/index.js';
import { commandLine, exitWithError } from './common.js';

const { values, positionals, clientOptions, fail } = commandLine(
  `usage: aliases [PORT [--set ALIAS] [--unset ALIAS]]

Without PORT, lists every port that has aliases. With PORT, unsets and sets
the given aliases (each option may repeat), then prints the port's aliases.
JACK2 keeps aliases of other clients' ports after this program exits;
PipeWire allows aliases only on a client's own ports.`,
  {
    set: { type: 'string', multiple: true, default: [] },
    unset: { type: 'string', multiple: true, default: [] },
  },
);
const [portName, ...extra] = positionals;
if (extra.length > 0) fail('give one port name');
if (portName === undefined && (values.set.length > 0 || values.unset.length > 0))
  fail('--set and --unset need a PORT');

let client: Client;
try {
  client = new Client('aliases', clientOptions);
} catch (error) {
  exitWithError(error);
}

function show(port: Port): void {
  const aliases = port.aliases;
  if (aliases.length === 0) console.log(`${port.name}: no aliases`);
  aliases.forEach((alias, index) => {
    console.log(`${port.name}: alias ${index + 1} = '${alias}'`);
  });
}

try {
  if (portName === undefined) {
    const withAliases = client.getPorts().filter((port) => port.aliases.length > 0);
    if (withAliases.length === 0) console.log('no port has an alias');
    for (const port of withAliases) show(port);
  } else {
    const port = client.getPortByName(portName);
    for (const alias of values.unset) {
      port.unsetAlias(alias);
      console.log(`${port.name}: unset alias '${alias}'`);
    }
    for (const alias of values.set) {
      port.setAlias(alias);
      console.log(`${port.name}: set alias '${alias}'`);
    }
    show(port);
  }
} catch (error) {
  // An unknown port, or JACK refusing: say so in one line.
  if (error instanceof JackError) console.error(`${error.name}: ${error.message}`);
  else console.error(error);
  process.exitCode = 1;
} finally {
  client.close();
}
