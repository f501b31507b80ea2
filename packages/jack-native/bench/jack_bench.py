"""The Python side of the benchmark: the operations bench/run.ts times for our
library, with the Python `jack` module (run with /usr/bin/python3).

usage: jack_bench.py HELPER PAIRS LOOKUPS READS REGISTERS GETPORTS
Prints "ready", then for each operation name read from stdin runs one batch
of it and prints the time in ms, until stdin closes; "activate" and
"deactivate" do that and print "ok".
"""
import sys
import time

import jack


def main():
    helper = sys.argv[1]
    pairs, lookups, reads, registers, getports = map(int, sys.argv[2:])
    client = jack.Client('bench-py', no_start_server=True, use_exact_name=True)
    outs = ['{}:out_{}'.format(helper, i) for i in range(pairs)]
    ins = ['{}:in_{}'.format(helper, i) for i in range(pairs)]
    names = outs + ins
    ports = [client.get_port_by_name(name) for name in names]

    def get_ports():
        for _ in range(getports):
            client.get_ports()

    def port_by_name():
        count = len(names)
        for i in range(lookups):
            client.get_port_by_name(names[i % count])

    def read_port():
        # The module has no type getter: is_audio is fixed by the port's class.
        count = len(ports)
        for i in range(reads):
            port = ports[i % count]
            port.is_input
            port.is_audio
            port.name

    def connect():
        for a, b in zip(outs, ins):
            client.connect(a, b)
        for a, b in zip(outs, ins):
            client.disconnect(a, b)

    def register():
        own = [client.outports.register('reg_{}'.format(i)) for i in range(registers)]
        for port in own:
            port.unregister()

    operations = {
        'getPorts': get_ports,
        'getPortByName': port_by_name,
        'readPort': read_port,
        'connect': connect,
        'register': register,
    }
    switches = {'activate': client.activate, 'deactivate': client.deactivate}
    print('ready', flush=True)
    for line in sys.stdin:
        if line.strip() in switches:
            switches[line.strip()]()
            print('ok', flush=True)
            continue
        operation = operations[line.strip()]
        start = time.perf_counter()
        operation()
        print('{:.4f}'.format((time.perf_counter() - start) * 1e3), flush=True)
    client.close()


main()
