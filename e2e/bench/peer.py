# The benchmark's JACK peer: one process owning many clients (Python `jack`
# module; run with /usr/bin/python3). Driven over stdin, one JSON reply per line.
#
#   build N        create up to N clients of 10 ports each and connect every
#                  output once (5 connections per client): sources, four
#                  layers of processors, sinks. Stops early at JACK's limit.
#   build N P      as many of N clients as JACK allows (one spare), P ports
#                  spread over them (whole bundles of 5), named bb-n-NNNN
#   clear          closes every client of the graph (not the control client)
#   connect A B    connect two ports; replies with wall-clock times around the call
#   disconnect A B
#   (end of input) closes every client and exits
import json
import sys
import time

import jack

PREFIX = 'bb-'
BUNDLE = 4  # audio ports in a bundle; each bundle also has one MIDI port


def reply(**fields):
    print(json.dumps(fields), flush=True)


def role_names(n):
    """Sources, processors and sinks for n clients (a tenth each are sources and sinks)."""
    s = max(1, n // 10)
    names = [f'{PREFIX}src-{i:02d}' for i in range(s)]
    names += [f'{PREFIX}fx-{i:03d}' for i in range(n - 2 * s)]
    names += [f'{PREFIX}sink-{i:02d}' for i in range(s)]
    return names, s


def bundle_ports(direction, index):
    """The port names of one bundle: 4 audio ports (two stereo pairs) and one MIDI port."""
    base = 'out' if direction == 'out' else 'in'
    first = index * BUNDLE
    audio = [f'{base}_{first + k + 1}' for k in range(BUNDLE)]
    midi = f'midi_{base}_{index + 1}'
    return audio, midi


class Peer:
    def __init__(self):
        # The control client: it makes every connection the benchmark times.
        self.control = jack.Client(f'{PREFIX}control', no_start_server=True)
        self.control.activate()
        self.clients = []

    def open_client(self, name):
        client = jack.Client(name, no_start_server=True)
        self.clients.append(client)
        return client

    def build(self, target):
        started = time.time()
        names, sources = role_names(target)
        limit = None
        created = []  # (client, role)
        for i, name in enumerate(names):
            role = 'src' if i < sources else 'sink' if i >= target - sources else 'fx'
            try:
                created.append((self.open_client(name), role))
            except jack.JackOpenError as error:
                limit = f'{name}: {error}'
                break
        if limit is not None:
            # JACK refused a client: rebuild the same shape at the size that fits,
            # so the density (10 ports and 5 connections per client) stays the same.
            for client, _ in created:
                client.close()
            self.clients = []
            n = len(created) - 1  # one spare: the web host may need to reconnect
            names, sources = role_names(n)
            created = []
            for i, name in enumerate(names):
                role = 'src' if i < sources else 'sink' if i >= n - sources else 'fx'
                created.append((self.open_client(name), role))
        self.wire(created, [1] * len(created), started, limit, sources)

    def build_spread(self, target, ports):
        """As many of `target` clients as JACK takes, with `ports` ports spread over them."""
        started = time.time()
        limit = None
        for i in range(target):
            try:
                self.open_client(f'{PREFIX}n-{i:04d}')
            except jack.JackOpenError as error:
                limit = f'{PREFIX}n-{i:04d}: {error}'
                if self.clients:
                    self.clients.pop().close()  # one spare: the web host may need to reconnect
                break
        n = len(self.clients)
        if n < 3:
            raise RuntimeError(f'JACK took only {n} clients: a spread needs sources, processors and sinks ({limit})')
        sources = max(1, n // 10)
        roles = ['src' if i < sources else 'sink' if i >= n - sources else 'fx' for i in range(n)]
        # Each client gets k bundle pairs (10 ports); the remainder goes to the processors.
        pairs = max(n, ports // (2 * (BUNDLE + 1)))
        per = [pairs // n] * n
        for i in range(pairs % n):
            per[sources + i % (n - 2 * sources)] += 1
        self.wire(list(zip(self.clients, roles)), per, started, limit, sources)

    def wire(self, created, per, started, limit, sources):
        """Registers each client's bundles (per[i] pairs each), activates and connects them."""
        outs, ins = [], []  # bundles, in client order
        for (client, role), k in zip(created, per):
            if role == 'src':
                for b in range(2 * k):
                    outs.append(self.register(client, 'out', b))
            elif role == 'sink':
                for b in range(2 * k):
                    ins.append(self.register(client, 'in', b))
            else:
                for b in range(k):
                    ins.append(self.register(client, 'in', b))
                    outs.append(self.register(client, 'out', b))
        for client, _ in created:
            client.activate()
        # Out-bundle i feeds in-bundle i: sources feed the first processors,
        # each processor one further on, the last processors the sinks.
        connections = 0
        for (out_audio, out_midi), (in_audio, in_midi) in zip(outs, ins):
            for a, b in zip(out_audio + [out_midi], in_audio + [in_midi]):
                self.control.connect(a, b)
                connections += 1
        ports = sum(len(c.inports) + len(c.outports) + len(c.midi_inports) + len(c.midi_outports)
                    for c, _ in created)
        reply(event='ready', clients=len(created), ports=ports, connections=connections,
              limit=limit, seconds=round(time.time() - started, 3),
              sources=sources, names=[c.name for c, _ in created])

    def clear(self):
        for client in self.clients:
            client.deactivate()
            client.close()
        self.clients = []
        reply(event='cleared')

    def register(self, client, direction, index):
        audio, midi = bundle_ports(direction, index)
        if direction == 'out':
            a = [client.outports.register(n) for n in audio]
            m = client.midi_outports.register(midi)
        else:
            a = [client.inports.register(n) for n in audio]
            m = client.midi_inports.register(midi)
        return [p.name for p in a], m.name

    def timed(self, action, source, destination):
        t0 = time.time()
        action(source, destination)
        t1 = time.time()
        reply(event='done', t0=t0 * 1000, t1=t1 * 1000)

    def close(self):
        self.clear()
        self.control.deactivate()
        self.control.close()


def main():
    peer = Peer()
    reply(event='started')
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == 'build' and len(words) == 3:
                peer.build_spread(int(words[1]), int(words[2]))
            elif words[0] == 'build':
                peer.build(int(words[1]))
            elif words[0] == 'clear':
                peer.clear()
            elif words[0] == 'connect':
                peer.timed(peer.control.connect, words[1], words[2])
            elif words[0] == 'disconnect':
                peer.timed(peer.control.disconnect, words[1], words[2])
            else:
                reply(event='error', message=f'unknown command {words[0]}')
        except jack.JackError as error:
            reply(event='error', message=str(error))
    peer.close()


if __name__ == '__main__':
    main()
