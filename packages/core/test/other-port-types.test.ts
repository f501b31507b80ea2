// Port types beyond audio and MIDI: PipeWire's JACK API registers video
// ports ('32 bit float RGBA video'), and its graph can carry UMP or OSC
// ports. Jackbay shows them as 'other' with their type name and refuses to
// connect them to audio; nothing asserts or crashes. JACK2 registers only
// audio and MIDI ports, so there the test is skipped (core-pipewire runs it).
import { devicePorts, onPipeWire, pythonPeer } from '@jackbay/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../src/answer.js';
import { lsp, STAGE_WAIT_MS, type Stage, startStage, stopStage, waitFor } from './helpers.js';

const VIDEO_TYPE = '32 bit float RGBA video';
const VIDEO_PORT = 'video_peer:video_out';
const [DEVICE] = devicePorts().playback;

// The Python module registers only audio and MIDI ports: the peer calls
// libjack itself (PipeWire's, through the server's LD_LIBRARY_PATH).
const VIDEO_PEER = `
import ctypes
lib = ctypes.CDLL('libjack.so.0')
lib.jack_client_open.restype = ctypes.c_void_p
lib.jack_client_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p]
lib.jack_port_register.restype = ctypes.c_void_p
lib.jack_port_register.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                                   ctypes.c_ulong, ctypes.c_ulong]
lib.jack_activate.argtypes = [ctypes.c_void_p]
lib.jack_client_close.argtypes = [ctypes.c_void_p]
client = lib.jack_client_open(b'video_peer', 1, None)  # JackNoStartServer
port = lib.jack_port_register(client, b'video_out', b'${VIDEO_TYPE}', 2, 0)  # JackPortIsOutput
lib.jack_activate(client)
print('ready' if client and port else 'refused', flush=True)
sys.stdin.readline()
lib.jack_client_close(client)
`;

let stage: Stage;

describe.skipIf(!onPipeWire())(
  'a video port [PipeWire only: JACK2 registers no port types but audio and MIDI]',
  () => {
    beforeAll(async () => {
      stage = await startStage({});
    }, STAGE_WAIT_MS);

    afterAll(() => stopStage(stage));

    it('is listed as other with its type name, is refused an audio connection, and leaves cleanly', async () => {
      const { server, service } = stage;
      const peer = pythonPeer(server, VIDEO_PEER);
      try {
        expect(await peer.line()).toBe('ready');
        await waitFor(
          () => service.snapshot().ports.some((p) => p.name === VIDEO_PORT),
          5000,
          'the video port in the graph',
        );
        const port = service.snapshot().ports.find((p) => p.name === VIDEO_PORT);
        expect(port).toMatchObject({
          client: 'video_peer',
          type: 'other',
          typeString: VIDEO_TYPE,
          direction: 'output',
        });

        const reply = await answer(service, 'connect', {
          source: VIDEO_PORT,
          destination: DEVICE,
        });
        expect(reply).toMatchObject({ error: { code: 'incompatible-types' } });
        expect(await lsp(server, ['-c', VIDEO_PORT])).not.toContain(DEVICE);
      } finally {
        peer.send('');
        await peer.stop();
      }
      await waitFor(
        () => !service.snapshot().ports.some((p) => p.name === VIDEO_PORT),
        5000,
        'the video port gone',
      );
      expect(service.isUp).toBe(true);
    });
  },
);
