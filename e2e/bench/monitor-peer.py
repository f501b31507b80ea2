# The monitoring benchmark's JACK peer (Python `jack` module; run with
# /usr/bin/python3). Driven over stdin, one JSON reply per line.
#
#   audio C N      C clients: half sources of N audio outputs each, playing a
#                  sine (a different level per port, −40 to −3 dBFS), half
#                  sinks of N audio inputs, each source connected one to one
#                  to a sink: C × N audio ports that all carry signal
#   audio-stop     closes the audio clients
#   midi K S       one client with a MIDI output that writes K events in every
#                  cycle for S seconds (notes on and off and controllers on all
#                  16 channels, spread evenly over the cycle) from the next
#                  line of input on (`go`); replies with the port's name, then
#                  when it has finished, with what it wrote and what JACK refused
#   (end of input) closes every client and exits
import json
import math
import struct
import sys
import threading
import time

import jack

PREFIX = 'bm-'


def reply(**fields):
    print(json.dumps(fields), flush=True)


def sine_block(frames, level_db, cycles):
    """`cycles` whole periods of a sine in one block (so it repeats seamlessly), as float32 bytes."""
    amplitude = 10 ** (level_db / 20)
    values = [amplitude * math.sin(2 * math.pi * cycles * i / frames) for i in range(frames)]
    return struct.pack(f'{frames}f', *values)


class Peer:
    def __init__(self):
        self.audio = []

    def start_audio(self, clients, per_client):
        sources = clients // 2
        outs = []
        ins = []
        for c in range(clients):
            source = c < sources
            client = jack.Client(f'{PREFIX}{"src" if source else "sink"}-{c % sources:02d}',
                                 no_start_server=True)
            if source:
                ports = [client.outports.register(f'out_{k + 1}') for k in range(per_client)]
                frames = client.blocksize
                blocks = [sine_block(frames, -40 + (37 * (c * per_client + k)) % 38, 1 + k % 4)
                          for k in range(per_client)]
                pairs = list(zip(ports, blocks))

                def process(_frames, pairs=pairs):
                    for port, block in pairs:
                        port.get_buffer()[:] = block

                client.set_process_callback(process)
                outs.extend(ports)
            else:
                ins.extend(client.inports.register(f'in_{k + 1}') for k in range(per_client))
            client.activate()
            self.audio.append(client)
        for out, inp in zip(outs, ins):
            self.audio[0].connect(out, inp)
        reply(event='audio', clients=clients, ports=len(outs) + len(ins),
              names=[p.name for p in outs + ins])

    def stop_audio(self):
        for client in self.audio:
            client.deactivate()
            client.close()
        self.audio = []
        reply(event='audio-stopped')

    def midi(self, per_cycle, seconds):
        client = jack.Client(f'{PREFIX}midi', no_start_server=True)
        port = client.midi_outports.register('out')
        frames = client.blocksize
        samplerate = client.samplerate
        # Three-byte messages only: note on, note off, controller, on every channel.
        messages = []
        for i in range(per_cycle * 16):
            channel = i % 16
            kind = (i // 16) % 3
            status = (0x90, 0x80, 0xB0)[kind] | channel
            messages.append(bytes((status, (i * 7) % 128, (i * 13) % 127 + 1)))
        offsets = [i * frames // per_cycle for i in range(per_cycle)]
        state = {'cycles': 0, 'written': 0, 'refused': 0, 'started': None, 'ended': None,
                 'go': False, 'stop': False, 'max_event_size': port.max_event_size}
        done = threading.Event()

        def process(_frames):
            port.clear_buffer()
            if state['stop'] or not state['go']:
                return
            if state['started'] is None:
                state['started'] = time.time()
            base = (state['cycles'] * per_cycle) % len(messages)
            for k, offset in enumerate(offsets):
                try:
                    port.write_midi_event(offset, messages[(base + k) % len(messages)])
                    state['written'] += 1
                except jack.JackError:
                    state['refused'] += 1
            state['cycles'] += 1
            if time.time() - state['started'] >= seconds:
                state['stop'] = True
                state['ended'] = time.time()
                done.set()

        client.set_process_callback(process)
        client.activate()
        # The monitor needs a moment to subscribe to a port it has never seen:
        # the events start when the next line (`go`) comes.
        reply(event='midi-port', port=port.name)
        sys.stdin.readline()
        state['go'] = True
        started = time.time()
        done.wait(seconds + 30)
        client.deactivate()
        client.close()
        wall = (state['ended'] or time.time()) - (state['started'] or started)
        reply(event='midi-done', written=state['written'], refused=state['refused'],
              cycles=state['cycles'], seconds=round(wall, 3), per_cycle=per_cycle,
              samplerate=samplerate, blocksize=frames,
              max_event_size=state['max_event_size'])


def main():
    peer = Peer()
    reply(event='started')
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == 'audio':
                peer.start_audio(int(words[1]), int(words[2]))
            elif words[0] == 'audio-stop':
                peer.stop_audio()
            elif words[0] == 'midi':
                peer.midi(int(words[1]), float(words[2]))
            else:
                reply(event='error', message=f'unknown command {words[0]}')
        except jack.JackError as error:
            reply(event='error', message=str(error))
    if peer.audio:
        for client in peer.audio:
            client.close()


if __name__ == '__main__':
    main()
