// aj-snapshot's file (aj-jack.c, aj-snapshot.c): <aj-snapshot> with a <jack>
// section of <client name> elements, each with <port name> elements (output
// ports, by short name) holding <connection port> elements (the full name of
// the input port). Its <alsa> section is ALSA sequencer MIDI, not JACK: left
// out and counted.

import { badFile, checkCount, checkSize } from './checks.js';
import { dedupe, fullName, type Imported } from './imported.js';
import { emptyPreset } from './model.js';
import { attribute, children, parseXml } from './xml.js';

export function importAjSnapshot(source: string, name: string): Imported {
  checkSize(source, 'the aj-snapshot file');
  const root = parseXml(source, 'aj-snapshot', 'aj-snapshot');
  const preset = emptyPreset(name, 'aj-snapshot');
  let skipped = 0;
  for (const alsa of children(root, 'alsa'))
    for (const client of children(alsa, 'client'))
      for (const port of children(client, 'port')) skipped += children(port, 'connection').length;
  for (const jack of children(root, 'jack'))
    for (const client of children(jack, 'client')) {
      const clientName = attribute(client, 'name');
      if (clientName === '') throw badFile('aj-snapshot: a JACK <client> has no name');
      for (const port of children(client, 'port')) {
        const portName = attribute(port, 'name');
        if (portName === '')
          throw badFile(`aj-snapshot: a <port> of client '${clientName}' has no name`);
        for (const connection of children(port, 'connection')) {
          const destination = attribute(connection, 'port');
          if (destination === '')
            throw badFile(`aj-snapshot: a <connection> of '${clientName}:${portName}' has no port`);
          preset.connections.push({ source: fullName(clientName, portName), destination });
        }
      }
    }
  preset.connections = dedupe(preset.connections);
  return { preset: checkCount(preset), skipped };
}
