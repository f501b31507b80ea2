// A slow-sync client: like a player that must seek before it can play, it
// needs some time at each new transport position before it says "ready", and
// JACK holds the transport in STARTING until it does. (After the Python
// module's slow_sync.py.)
//
// The sync callback runs on the JavaScript thread: JACK asks every cycle
// while it waits, the engine answers with what JavaScript last said.
//
//   pnpm --filter @jackbay/jack-native example slow_sync [--seek-time S] [--start]
// then start the transport (transporter example or jack_transport) and see it wait.
import {
  Client,
  type Position,
  ROLLING,
  STARTING,
  STOPPED,
  type TransportState,
} from '../lib/index.js';
import { commandLine, exitWithError, untilStopped } from './common.js';

const { values, positionals, seconds, clientOptions, fail } = commandLine(
  `usage: slow_sync [--seek-time S] [--start] [--seconds N]

Takes S seconds (default: 0.5) to get ready at each new transport position.

  --seek-time S    seconds needed per new position
  --start          start the transport once the client is active`,
  { 'seek-time': { type: 'string', default: '0.5' }, start: { type: 'boolean' } },
  true,
);
if (positionals.length > 0) fail(`unexpected argument '${positionals[0]}'`);
const seekTime = Number(values['seek-time']);
if (!(seekTime >= 0 && seekTime <= 60)) fail('--seek-time must be from 0 to 60 seconds');

let client: Client;
try {
  client = new Client('Slow', clientOptions);
} catch (error) {
  exitWithError(error);
}

let readyFrame: number | undefined; // the position we are ready to play from
let readyAt: number | undefined; // when seeking to the requested position is done
let said = ''; // JACK asks every cycle: print each answer once per state and position

function say(state: TransportState, frame: number, text: string): void {
  const key = `${state.name} ${frame} ${text.split(' ')[0]}`;
  if (key !== said) console.log(`${state.name} ${frame} ${text}`);
  said = key;
}

function sync(state: TransportState, position: Position): boolean {
  const now = performance.now() / 1000;
  if (state === STOPPED || state === STARTING) {
    if (readyFrame === position.frame) {
      say(state, position.frame, 'ready');
      return true;
    }
  } else if (state !== ROLLING) {
    return true; // another state (NETSTARTING): nothing to prepare
  }
  // A new position (or, while rolling, a jump): seek, which takes seekTime.
  readyAt ??= now + seekTime;
  if (readyAt <= now) {
    say(state, position.frame, state === ROLLING ? 'just caught up' : 'just got ready');
    readyFrame = position.frame;
    readyAt = undefined;
    return true;
  }
  say(state, position.frame, `will be ready in ${(readyAt - now).toFixed(2)} seconds`);
  return false;
}

client.setShutdownCallback((_status, reason) => {
  console.error('JACK shutdown:', reason);
  process.exit(1);
});

try {
  client.setSyncCallback(sync);
  // JACK's default gives up on slow clients after 2 s.
  client.setSyncTimeout(Math.max(2, 2 * seekTime) * 1e6);
  client.activate();
  if (values.start) client.transportStart();
} catch (error) {
  exitWithError(error);
}

console.log(`needs ${seekTime} s per new position; press Ctrl+C to quit`);
const reason = await untilStopped(seconds);
console.log(`${reason}: closing JACK`);
client.deactivate();
client.close();
