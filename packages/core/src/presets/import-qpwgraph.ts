// qpwgraph's patchbay file (qpwgraph_patchbay.cpp): <patchbay> with <items>
// of <item node-type port-type>, each holding one <output node port> and one
// <input node port>. Node types are 'pipewire' or 'alsa' (ALSA MIDI, left out);
// port types 'pipewire-audio', 'pipewire-midi', 'pipewire-video',
// 'pipewire-other' (only audio and MIDI exist in JACK).
//
// Through pipewire-jack a node is a JACK client named after the node (its
// description, as qpwgraph shows it), and a port keeps its name; JACK limits
// a client name to 63 bytes, so longer node names are cut as pipewire-jack
// cuts them.

import { badFile, checkCount, checkSize } from './checks.js';
import { dedupe, fullName, type Imported } from './imported.js';
import { emptyPreset } from './model.js';
import { attribute, children, parseXml } from './xml.js';

/** jack_client_name_size() is 64, the NUL included. */
const MAX_CLIENT_BYTES = 63;

/** The JACK client name pipewire-jack gives a node of this name. */
export function jackClientName(node: string): string {
  const bytes = Buffer.from(node, 'utf8');
  if (bytes.length <= MAX_CLIENT_BYTES) return node;
  // Cut on a character boundary.
  let end = MAX_CLIENT_BYTES;
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}

const PORT_TYPES: Record<string, 'audio' | 'midi' | null> = {
  'pipewire-audio': 'audio',
  'pipewire-midi': 'midi',
  'pipewire-video': null,
  'pipewire-other': null,
  'alsa-midi': null,
};

export function importQpwgraph(source: string, name: string): Imported {
  checkSize(source, 'the qpwgraph patchbay');
  const root = parseXml(source, 'patchbay', 'qpwgraph patchbay');
  if (children(root, 'items').length === 0 && children(root, 'output-sockets').length > 0)
    throw badFile('this is a QjackCtl patchbay, not a qpwgraph one: import it as QjackCtl');
  const preset = emptyPreset(name, 'qpwgraph');
  let skipped = 0;
  for (const items of children(root, 'items'))
    for (const item of children(items, 'item')) {
      const nodeType = attribute(item, 'node-type');
      const portType = attribute(item, 'port-type');
      if (!(portType in PORT_TYPES) || (nodeType !== 'pipewire' && nodeType !== 'alsa'))
        throw badFile(
          `qpwgraph patchbay: an <item> has the unknown types '${nodeType}', '${portType}'`,
        );
      const [output] = children(item, 'output');
      const [input] = children(item, 'input');
      const ends = [output, input].map((end) =>
        end ? { node: attribute(end, 'node'), port: attribute(end, 'port') } : null,
      );
      const [out, into] = ends;
      if (!out || !into || !out.node || !out.port || !into.node || !into.port)
        throw badFile('qpwgraph patchbay: an <item> lacks its <output> or <input> node and port');
      const type = PORT_TYPES[portType] ?? null;
      if (nodeType !== 'pipewire' || type === null) {
        skipped += 1;
        continue;
      }
      preset.connections.push({
        source: fullName(jackClientName(out.node), out.port),
        destination: fullName(jackClientName(into.node), into.port),
        type,
      });
    }
  preset.connections = dedupe(preset.connections);
  return { preset: checkCount(preset), skipped };
}
