// Prints the transport state and position over and over: frame, frame time,
// BBT and the other optional fields when a timebase master provides them.
// (Like the Python module's showtime.py, after JACK's showtime.c.)
//
//   pnpm --filter @jackbay/jack-native example showtime [--interval MS] [--seconds N]
// Start the transport meanwhile (`jack_transport` then `play`, or the transporter
// example) to watch the frame advance.
import { Client } from '../lib/index.js';
import { commandLine, exitWithError, untilStopped } from './common.js';

const { values, seconds, clientOptions, fail } = commandLine(
  'usage: showtime [--interval MS] [--seconds N]\n\nPrints JACK transport time until stopped.',
  { interval: { type: 'string', default: '50' } },
  true,
);
const interval = Number(values.interval);
if (!(interval > 0)) fail('--interval must be a positive number of milliseconds');

let client: Client;
try {
  client = new Client('showtime', clientOptions);
} catch (error) {
  exitWithError(error);
}

function showtime(): void {
  const [state, pos] = client.transportQuery();
  const items = [
    `frame = ${pos.frame}  frameTime = ${client.frameTime}  usecs = ${pos.usecs}`,
    `state: ${state.name}`,
  ];
  if (pos.bar !== undefined)
    items.push(
      `BBT = ${String(pos.bar).padStart(3)}|${pos.beat}|${String(pos.tick).padStart(4, '0')}`,
    );
  if (pos.frameTime !== undefined)
    items.push(`TC = (${pos.frameTime.toFixed(6)}, ${pos.nextTime?.toFixed(6)})`);
  if (pos.bbtOffset !== undefined) items.push(`BBT offset = (${pos.bbtOffset})`);
  if (pos.audioFramesPerVideoFrame !== undefined)
    items.push(`audio frames per video frame = ${pos.audioFramesPerVideoFrame}`);
  if (pos.videoOffset !== undefined) items.push(`video offset = (${pos.videoOffset})`);
  console.log(items.join('  '));
}

client.setShutdownCallback(() => {
  console.error('JACK shut down, exiting ...');
  process.exit(1);
});

client.activate();
const timer = setInterval(showtime, interval);

const reason = await untilStopped(seconds);
clearInterval(timer);
console.error(`${reason}, exiting ...`);
client.deactivate();
client.close();
