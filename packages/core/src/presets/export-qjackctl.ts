// A QjackCtl patchbay (as qjackctlPatchbayFile.cpp writes one) of a preset.
// A connection becomes an output socket for its source port and an input
// socket for its destination port (one plug each, the names escaped as
// patterns), joined by a cable; a rule keeps its patterns. A socket is
// exclusive when the preset marks its port so. QjackCtl needs a type per
// socket: a connection of unknown type is written as audio.
import type { PortPattern, Preset } from './model.js';
import { escapePattern } from './model.js';

interface Socket {
  name: string;
  client: string;
  plug: string;
  type: 'jack-audio' | 'jack-midi';
}

function escapeXml(text: string): string {
  if (!/[&<>"]/.test(text)) return text;
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Client and port of a full name: QjackCtl splits at the first ':'. */
function split(name: string): { client: string; port: string } {
  const colon = name.indexOf(':');
  return colon < 0
    ? { client: name, port: '' }
    : { client: name.slice(0, colon), port: name.slice(colon + 1) };
}

export function exportQjackctl(preset: Preset, version = '1.0.0'): string {
  const outputs = new Map<string, Socket>();
  const inputs = new Map<string, Socket>();
  // Socket names must be unique per side: QjackCtl's cables refer to sockets by name.
  const names = new Map<Map<string, Socket>, Set<string>>([
    [outputs, new Set()],
    [inputs, new Set()],
  ]);
  const cables: Array<{ output: string; input: string; type: Socket['type'] }> = [];
  const socketFor = (
    list: Map<string, Socket>,
    key: string,
    end: PortPattern,
    type: Socket['type'],
    label: string,
  ): Socket => {
    const id = `${type}\u0000${key}`;
    let socket = list.get(id);
    if (!socket) {
      const taken = names.get(list) as Set<string>;
      let name = label;
      for (let n = 2; taken.has(name); n += 1) name = `${label} ${n}`;
      taken.add(name);
      socket = { name, client: end.client, plug: end.port, type };
      list.set(id, socket);
    }
    return socket;
  };
  for (const connection of preset.connections) {
    const type = connection.type === 'midi' ? 'jack-midi' : 'jack-audio';
    const source = split(connection.source);
    const destination = split(connection.destination);
    const output = socketFor(
      outputs,
      connection.source,
      { client: escapePattern(source.client), port: escapePattern(source.port) },
      type,
      connection.source,
    );
    const input = socketFor(
      inputs,
      connection.destination,
      { client: escapePattern(destination.client), port: escapePattern(destination.port) },
      type,
      connection.destination,
    );
    cables.push({ output: output.name, input: input.name, type });
  }
  preset.patterns.forEach((link, i) => {
    const type = link.type === 'midi' ? 'jack-midi' : 'jack-audio';
    const key = (end: PortPattern) => `\u0001${end.client}\u0000${end.port}`;
    const output = socketFor(outputs, key(link.source), link.source, type, `rule ${i + 1} out`);
    const input = socketFor(
      inputs,
      key(link.destination),
      link.destination,
      type,
      `rule ${i + 1} in`,
    );
    cables.push({ output: output.name, input: input.name, type });
  });
  const exclusive = new Set(preset.exclusive.map((end) => `${end.client}\u0000${end.port}`));
  const socketXml = (socket: Socket) => {
    const on = exclusive.has(`${socket.client}\u0000${socket.plug}`) ? 'on' : 'off';
    return `  <socket exclusive="${on}" client="${escapeXml(socket.client)}" type="${socket.type}" name="${escapeXml(socket.name)}">\n   <plug>${escapeXml(socket.plug)}</plug>\n  </socket>\n`;
  };
  const lines = [
    '<!DOCTYPE patchbay>\n',
    `<patchbay version="${escapeXml(version)}" name="${escapeXml(preset.name)}">\n`,
    ' <output-sockets>\n',
    ...[...outputs.values()].map(socketXml),
    ' </output-sockets>\n',
    ' <input-sockets>\n',
    ...[...inputs.values()].map(socketXml),
    ' </input-sockets>\n',
    ' <slots/>\n',
    ' <cables>\n',
    ...cables.map(
      (cable) =>
        `  <cable output="${escapeXml(cable.output)}" input="${escapeXml(cable.input)}" type="${cable.type}"/>\n`,
    ),
    ' </cables>\n',
    '</patchbay>\n',
  ];
  return lines.join('');
}
