// Copies two audio inputs to two outputs. (Like the Python module's
// thru_client.py, after JACK's thru_client.c.)
//
// By default the engine copies the audio inside JACK's process thread
// (client.addThru): no JavaScript runs per cycle and nothing is added to the
// latency. With --js a JavaScript process callback copies it, as the Python
// example does; that callback is asynchronous, so its output plays one
// period later.
//
//   pnpm --filter @jackbay/jack-native example thru_client [--js] [NAME]
// If a microphone and loudspeakers are connected, mind the feedback!
import { Client } from '../lib/index.js';
import { commandLine, exitWithError, untilStopped } from './common.js';

const { values, positionals, seconds, clientOptions, fail } = commandLine(
  `usage: thru_client [--js] [NAME] [--seconds N]

Copies input_1/input_2 to output_1/output_2, connected to the physical
capture and playback ports. NAME is the client name (default: thru_client).

  --js             copy in a JavaScript process callback (one period of latency)
                   instead of the engine's realtime thru`,
  { js: { type: 'boolean' } },
  true,
);
if (positionals.length > 1) fail('at most one client name');

let client: Client;
try {
  client = new Client(positionals[0] ?? 'thru_client', clientOptions);
} catch (error) {
  exitWithError(error);
}
if (client.status.serverStarted) console.log('JACK server started');
if (client.status.nameNotUnique) console.log(`unique name '${client.name}' assigned`);

client.setShutdownCallback((status, reason) => {
  console.log('JACK shutdown!');
  console.log('status:', String(status));
  console.log('reason:', reason);
  process.exit(1);
});

const pairs = [1, 2].map(
  (number) =>
    [
      client.inports.register(`input_${number}`),
      client.outports.register(`output_${number}`),
    ] as const,
);

if (values.js) {
  client.setProcessCallback(() => {
    for (const [input, output] of pairs) output.getArray().set(input.getArray());
  });
} else {
  client.addThru(pairs);
}

try {
  client.activate();
  // Connections need an active client. The physical capture ports are
  // outputs and the playback ports inputs, seen from the other side.
  const capture = client.getPorts('', { isPhysical: true, isOutput: true, isAudio: true });
  if (capture.length === 0) throw new Error('No physical capture ports');
  const playback = client.getPorts('', { isPhysical: true, isInput: true, isAudio: true });
  if (playback.length === 0) throw new Error('No physical playback ports');
  pairs.forEach(([input, output], i) => {
    const source = capture[i];
    const target = playback[i];
    if (source) client.connect(source, input);
    if (target) client.connect(output, target);
  });
} catch (error) {
  exitWithError(error);
}

console.log(`${values.js ? 'JavaScript process callback' : 'engine thru'}: press Ctrl+C to stop`);
const reason = await untilStopped(seconds);
console.log(`${reason}: closing JACK`);
if (values.js && client.lateCycles > 0)
  console.log(`${client.lateCycles} late cycles (silence played while JavaScript was busy)`);
client.deactivate();
client.close();
