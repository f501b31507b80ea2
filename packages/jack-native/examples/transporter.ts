// Queries or changes the JACK transport from the command line.
// (Like the Python module's transporter.py, plus `locate`.)
//
//   pnpm --filter @jackbay/jack-native example transporter start
//   pnpm --filter @jackbay/jack-native example transporter locate 48000
import {
  Client,
  NETSTARTING,
  ROLLING,
  STARTING,
  STOPPED,
  type TransportState,
} from '../lib/index.js';
import { commandLine, exitWithError } from './common.js';

const USAGE = `usage: transporter [-c NAME] [COMMAND [FRAME]]

commands:
  status     print whether the transport rolls (the default)
  query      print the state and every valid field of the position
  start      start the transport if it is stopped
  stop       stop the transport if it rolls
  toggle     start it if stopped, stop it otherwise
  rewind     locate to frame 0
  locate N   locate to frame N`;

const STATE_LABELS = new Map<TransportState, string>([
  [ROLLING, 'rolling'],
  [STOPPED, 'stopped'],
  [STARTING, 'starting'],
  [NETSTARTING, 'waiting for network sync'],
]);

const { values, positionals, clientOptions, fail } = commandLine(USAGE, {
  'client-name': { type: 'string', short: 'c', default: 'transporter' },
});
const [command = 'status', argument, ...extra] = positionals;
const COMMANDS = ['status', 'query', 'start', 'stop', 'toggle', 'rewind', 'locate'];
if (!COMMANDS.includes(command)) fail(`unknown command '${command}'`);
if (extra.length > 0 || (argument !== undefined && command !== 'locate'))
  fail('too many arguments');
let frame = 0;
if (command === 'locate') {
  frame = Number(argument);
  if (argument === undefined || !Number.isInteger(frame) || frame < 0)
    fail('locate needs a frame number (a non-negative integer)');
}

let client: Client;
try {
  client = new Client(values['client-name'], clientOptions);
} catch (error) {
  exitWithError(error);
}

// Transport requests go to the server through shared memory: the client
// need not be activated, and the change takes effect within a cycle or two.
try {
  const state = client.transportState;
  const label = STATE_LABELS.get(state) ?? state.name;
  switch (command) {
    case 'status':
      console.log(`JACK transport is ${label}.`);
      break;
    case 'query': {
      console.log(`State: ${label}`);
      const [, position] = client.transportQuery();
      for (const [field, value] of Object.entries(position).sort(([a], [b]) => a.localeCompare(b)))
        console.log(`${field}: ${value}`);
      break;
    }
    case 'start':
      if (state === STOPPED) client.transportStart();
      break;
    case 'stop':
      if (state !== STOPPED) client.transportStop();
      break;
    case 'toggle':
      if (state === STOPPED) client.transportStart();
      else client.transportStop();
      break;
    case 'rewind':
    case 'locate':
      client.transportFrame = frame;
      break;
  }
} catch (error) {
  exitWithError(error);
} finally {
  client.close();
}
