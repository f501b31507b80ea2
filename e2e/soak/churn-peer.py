# The soak's JACK peer (Python `jack` module; run with /usr/bin/python3).
#
# While it runs:
#   - soak-src plays a sine on out_1 (meters have something to show) and its
#     out_2 is connected to and disconnected from soak-sink:in_1 every 100 ms;
#   - soak-midi sends 1,000 MIDI messages a second (note on/off pairs),
#     counted in its process callback, to nobody: the Jackbay page's MIDI
#     monitor is the only reader;
#   - every 100 ms a churn client appears (soak-churn-0 … -3, names reused so
#     restore and ghosts take part) and connects its out_1 to soak-sink:in_2,
#     and the one before the last goes away.
# It prints 'ready' once the steady clients are up; on a line 'stop' (or end of
# input) it ends the churn, lets the MIDI in flight drain and prints one JSON
# line: {"sent": <MIDI messages written>, "churned": <clients opened>,
# "toggles": <connection changes>}.
import json
import math
import struct
import sys
import threading
import time

import jack

MIDI_PER_SECOND = 1000
CHURN_NAMES = 4
TICK = 0.1

sink = jack.Client('soak-sink', no_start_server=True)
sink.inports.register('in_1')
sink.inports.register('in_2')
sink.activate()

src = jack.Client('soak-src', no_start_server=True)
tone = src.outports.register('out_1')
toggled = src.outports.register('out_2')
# A 375 Hz sine repeats every 128 frames at 48 kHz: one precomputed period,
# copied into each buffer, keeps the Python callback cheap.
PERIOD = 128
period = struct.pack(f'{PERIOD}f', *(0.25 * math.sin(2 * math.pi * i / PERIOD) for i in range(PERIOD)))


@src.set_process_callback
def play(frames):
    whole = period * (frames // PERIOD + 1)
    tone.get_buffer()[:] = whole[: frames * 4]
    toggled.get_buffer()[:] = bytes(frames * 4)


src.activate()

midi = jack.Client('soak-midi', no_start_server=True)
midi_out = midi.midi_outports.register('out')
state = {'sending': True, 'owed': 0.0, 'sent': 0, 'note_on': True}


@midi.set_process_callback
def send(frames):
    midi_out.clear_buffer()
    if not state['sending']:
        return
    state['owed'] += MIDI_PER_SECOND * frames / midi.samplerate
    count = int(state['owed'])
    state['owed'] -= count
    for k in range(count):
        status = 0x90 if state['note_on'] else 0x80
        state['note_on'] = not state['note_on']
        midi_out.write_midi_event(k * frames // max(count, 1), (status, 60, 100))
        state['sent'] += 1


midi.activate()
print('ready', flush=True)

stop = threading.Event()


def wait_for_stop():
    for line in sys.stdin:
        if line.strip() == 'stop':
            break
    stop.set()


threading.Thread(target=wait_for_stop, daemon=True).start()

churned = 0
toggles = 0
alive = []
while not stop.is_set():
    started = time.monotonic()
    client = jack.Client(f'soak-churn-{churned % CHURN_NAMES}', no_start_server=True)
    out = client.outports.register('out_1')
    client.activate()
    try:
        client.connect(out, 'soak-sink:in_2')
    except jack.JackError:
        pass  # Jackbay's restore may have made it first
    alive.append(client)
    churned += 1
    if len(alive) > 2:
        gone = alive.pop(0)
        gone.deactivate()
        gone.close()
    try:
        if toggles % 2 == 0:
            src.connect(toggled, 'soak-sink:in_1')
        else:
            src.disconnect(toggled, 'soak-sink:in_1')
    except jack.JackError:
        pass  # restore re-made or forgot it at the same moment
    toggles += 1
    stop.wait(max(0.0, TICK - (time.monotonic() - started)))

state['sending'] = False
for client in alive:
    client.deactivate()
    client.close()
time.sleep(0.5)
print(json.dumps({'sent': state['sent'], 'churned': churned, 'toggles': toggles}), flush=True)
for client in (midi, src, sink):
    client.deactivate()
    client.close()
