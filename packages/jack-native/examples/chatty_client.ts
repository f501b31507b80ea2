// A JACK client that registers every notification callback and prints what
// happens: clients and ports coming and going, connections, renames, xruns,
// metadata changes, buffer size and sample rate changes, server shutdown.
// (Like the Python module's chatty_client.py. The process callback is left out:
// it would print a line per cycle.)
//
// Run it, then start or patch other JACK programs and watch:
//   pnpm --filter @jackbay/jack-native example chatty_client
// (outside this repository, import from '@jackbay/jack-native' instead)
import {
  Client,
  JackError,
  PROPERTY_CHANGED,
  PROPERTY_CREATED,
  PROPERTY_DELETED,
  setErrorFunction,
  setInfoFunction,
} from '../lib/index.js';
import { commandLine, exitWithError, untilStopped } from './common.js';

const { seconds, clientOptions } = commandLine(
  'usage: chatty_client [--seconds N]\n\nPrints every JACK notification until stopped.',
  {},
  true,
);

console.log('setting error/info functions');
setErrorFunction((message) => console.log('Error:', message));
setInfoFunction((message) => console.log('Info:', message));

console.log('starting chatty client');
let client: Client;
try {
  client = new Client('Chatty-Client', clientOptions);
} catch (error) {
  exitWithError(error);
}

console.log(
  client.status.serverStarted ? 'JACK server was started' : 'JACK server was already running',
);
if (client.status.nameNotUnique) console.log('unique client name generated:', client.name);

console.log('registering callbacks');

client.setShutdownCallback((status, reason) => {
  console.log('JACK shutdown!');
  console.log('status:', String(status));
  console.log('reason:', reason);
});

client.setFreewheelCallback((starting) => {
  console.log(starting ? 'starting' : 'stopping', 'freewheel mode');
});

client.setBlocksizeCallback((blocksize) => {
  console.log('setting blocksize to', blocksize);
});

client.setSamplerateCallback((samplerate) => {
  console.log('setting samplerate to', samplerate);
});

client.setClientRegistrationCallback((name, register) => {
  console.log('client', `'${name}'`, register ? 'registered' : 'unregistered');
});

client.setPortRegistrationCallback((port, register) => {
  console.log(String(port), register ? 'registered' : 'unregistered');
});

client.setPortConnectCallback((a, b, connect) => {
  console.log(connect ? 'connected' : 'disconnected', String(a), 'and', String(b));
});

try {
  client.setPortRenameCallback((port, oldName, newName) => {
    console.log('renamed', String(port), 'from', `'${oldName}'`, 'to', `'${newName}'`);
  });
} catch (error) {
  // JACK1's library has no rename notification.
  if (!(error instanceof JackError)) throw error;
  console.log('Could not register port rename callback:', error.message);
}

client.setGraphOrderCallback(() => {
  console.log('graph order changed');
});

client.setXrunCallback((delayedUsecs) => {
  console.log('xrun; delay', delayedUsecs, 'microseconds');
});

const CHANGES: Record<number, string> = {
  [PROPERTY_CREATED]: 'created',
  [PROPERTY_CHANGED]: 'changed',
  [PROPERTY_DELETED]: 'removed',
};

client.setPropertyChangeCallback((subject, key, change) => {
  // An empty key with PROPERTY_DELETED means "every property of the server".
  if (key === '') console.log(`subject ${subject}: all properties were removed`);
  else console.log(`subject ${subject}: property '${key}' was ${CHANGES[change] ?? change}`);
});

// The same events are also available as client.on('xrun', fn) and so on,
// with any number of listeners per event.

console.log('activating JACK');
client.activate();
console.log('#'.repeat(80));
console.log(process.stdin.isTTY ? 'press Return or Ctrl+C to quit' : 'stop with Ctrl+C (SIGINT)');
console.log('#'.repeat(80));

const reason = await untilStopped(seconds);
console.log(`${reason}: closing JACK`);
client.deactivate();
client.close();
