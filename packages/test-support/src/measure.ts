// A Python peer's code that measures what arrives at its inputs, as an
// independent check of the signals Jackbay plays: per audio input the peak
// (dBFS) and the frequency from interpolated rising zero crossings, per MIDI
// input the events counted. Pure Python: numpy is not installed for
// /usr/bin/python3. Runs in a peer whose client is `c`, after which the peer
// calls reset(), elapsed() (seconds measured) and report() (a dict per port). The frequency is the mean of the whole periods measured.
export const MEASURE_SETUP = `import math
state = {}
def fresh():
    return {'peak': 0.0, 'n': 0, 'prev': None, 'last': None, 'periods': [], 'midi': 0}
def reset():
    # One new dict, swapped in whole: the process thread never sees half of it.
    global state
    state = {p.shortname: fresh() for p in list(c.inports) + list(c.midi_inports)}
expected = [None]
def process(frames):
    current = state
    # A cycle this peer missed (a busy machine) breaks the signal's continuity:
    # periods are only measured between crossings in samples that follow each other.
    now = c.last_frame_time
    gap = expected[0] is not None and now != expected[0]
    expected[0] = now + frames
    for p in c.inports:
        s = current.get(p.shortname)
        if s is None:
            continue
        if gap:
            s['prev'] = None
            s['last'] = None
        buf = memoryview(p.get_buffer()).cast('f')
        prev = s['prev']; peak = s['peak']; last = s['last']
        for i in range(frames):
            x = buf[i]
            a = -x if x < 0 else x
            if a > peak:
                peak = a
            if prev is not None and prev < 0.0 <= x:
                t = now + i - 1 + (-prev) / (x - prev)
                if last is not None:
                    s['periods'].append(t - last)
                last = t
            prev = x
        s['prev'] = prev; s['last'] = last; s['n'] += frames; s['peak'] = peak
    for p in c.midi_inports:
        s = current.get(p.shortname)
        if s is not None:
            for _ in p.incoming_midi_events():
                s['midi'] += 1
def elapsed():
    current = state
    return min((current[p.shortname]['n'] for p in c.inports), default=0) / c.samplerate
def report():
    out = {}
    for name, s in state.items():
        # A cycle in which the player was late (a busy machine: the server
        # plays its output as silence) breaks one period; periods more than
        # 1 % off the median are those, not the tone's frequency.
        periods = sorted(s['periods'])
        freq = None
        if periods:
            median = periods[len(periods) // 2]
            whole = [p for p in periods if abs(p - median) < 0.01 * median]
            freq = len(whole) * c.samplerate / sum(whole)
        db = 20 * math.log10(s['peak']) if s['peak'] > 0 else None
        out[name] = {'peakDb': db, 'frequency': freq, 'seconds': s['n'] / c.samplerate, 'midi': s['midi']}
    return out
c.set_process_callback(process)
c.inports.register('in_1')
c.inports.register('in_2')
c.midi_inports.register('midi_in')
reset()`;
