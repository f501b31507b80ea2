// A JACK timebase master: provides bar, beat and tick (BBT) for the transport
// at a tempo and meter given on the command line. (Like the Python module's
// timebase_master.py, after JACK's transport.c.)
//
// The Python example computes BBT in a timebase callback that JACK calls in
// its process thread; here the engine does that arithmetic natively every
// cycle (client.setTimebaseMaster), so it is exact even when JavaScript is busy.
//
//   pnpm --filter @jackbay/jack-native example timebase_master -m 3/4 140
// then start the transport (transporter example, jack_transport, or your DAW)
// and watch it with the showtime example.
import { Client, JackError } from '../lib/index.js';
import { commandLine, exitWithError, untilStopped } from './common.js';

const { values, positionals, seconds, clientOptions, fail } = commandLine(
  `usage: timebase_master [options] [TEMPO] [--seconds N]

Becomes JACK's timebase master at TEMPO beats per minute (0.1 to 300,
default 120) until stopped.

  -c, --conditional        exit if another timebase master is already active
  -m, --meter B/T          meter as beats-per-bar/beat-type (default: 4/4)
  -t, --ticks-per-beat N   ticks per beat (default: 1920)
  -n, --client-name NAME   JACK client name (default: timebase)`,
  {
    conditional: { type: 'boolean', short: 'c' },
    meter: { type: 'string', short: 'm', default: '4/4' },
    'ticks-per-beat': { type: 'string', short: 't', default: '1920' },
    'client-name': { type: 'string', short: 'n', default: 'timebase' },
  },
  true,
);
if (positionals.length > 1) fail(`unexpected argument '${positionals[1]}'`);
const tempo = positionals[0] === undefined ? 120 : Number(positionals[0]);
if (!(tempo >= 0.1 && tempo <= 300)) fail(`invalid tempo: ${positionals[0]}`);
const meter = /^(\d+)\/(\d+)$/.exec(String(values.meter));
const beatsPerBar = Number(meter?.[1]);
const beatType = Number(meter?.[2]);
if (!meter || !(beatsPerBar >= 1 && beatType >= 1)) fail(`invalid meter: ${values.meter}`);
const ticksPerBeat = Number(values['ticks-per-beat']);
if (!Number.isInteger(ticksPerBeat) || ticksPerBeat < 1)
  fail('--ticks-per-beat must be a positive integer');

let client: Client;
try {
  client = new Client(String(values['client-name']), clientOptions);
} catch (error) {
  exitWithError(`Could not create timebase master JACK client: ${(error as Error).message}`);
}
client.setShutdownCallback((_status, reason) => {
  console.error('JACK shutdown:', reason);
  process.exit(1);
});

let master: boolean;
try {
  client.activate();
  master = client.setTimebaseMaster(
    { beatsPerMinute: tempo, beatsPerBar, beatType, ticksPerBeat },
    { conditional: Boolean(values.conditional) },
  );
} catch (error) {
  exitWithError(error);
}
if (!master) {
  client.close();
  exitWithError('Timebase master already present. Exiting...');
}

console.log(
  `timebase master at ${tempo} BPM, ${beatsPerBar}/${beatType}, ${ticksPerBeat} ticks per beat; press Ctrl+C to quit`,
);
const reason = await untilStopped(seconds);
try {
  client.releaseTimebase();
} catch (error) {
  // Another client may have taken over meanwhile: then there is nothing to release.
  if (!(error instanceof JackError)) throw error;
}
console.log(`${reason}: released timebase`);
client.deactivate();
client.close();
