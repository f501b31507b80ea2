// QjackCtl's patchbay file (qjackctlPatchbayFile.cpp): <patchbay> with
// <output-sockets> and <input-sockets> of <socket name client type exclusive>
// holding <plug> elements, and <cables> of <cable output input type> naming
// sockets. A socket's client and its plugs are regular expressions matched
// against whole names; a cable joins the n-th plug of its output socket to the
// n-th plug of its input socket. 'alsa-midi' sockets are not JACK's and are
// left out. A plug pair whose patterns are plain names becomes a connection.

import { badFile, checkCount, checkPatterns, checkSize } from './checks.js';
import { dedupe, fullName, type Imported } from './imported.js';
import { emptyPreset, type PortPattern } from './model.js';
import { attribute, children, parseXml, text, type XmlElement } from './xml.js';

type SocketType = 'audio' | 'midi' | null;

interface Socket {
  client: string;
  type: SocketType;
  exclusive: boolean;
  plugs: string[];
}

// qjackctlPatchbaySocket::typeFromText: 'audio' is an old name of 'jack-audio';
// 'midi' an old name of 'alsa-midi'.
function socketType(value: string): SocketType | 'unknown' {
  if (value === 'jack-audio' || value === 'audio') return 'audio';
  if (value === 'jack-midi') return 'midi';
  if (value === 'alsa-midi' || value === 'midi') return null;
  return 'unknown';
}

/** The name a pattern matches when it is a plain name (only escaped syntax characters), else null. */
export function literalOf(pattern: string): string | null {
  if (!/[\\^$.*+?()[\]{}|]/.test(pattern)) return pattern;
  let out = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined || !/[\\^$.*+?()[\]{}|/\-: ]/.test(next)) return null;
      out += next;
      i += 1;
    } else if (/[\^$.*+?()[\]{}|]/.test(c)) return null;
    else out += c;
  }
  return out;
}

function readSockets(list: XmlElement[], side: string): Map<string, Socket> {
  const sockets = new Map<string, Socket>();
  for (const group of list)
    for (const element of children(group, 'socket')) {
      const name = attribute(element, 'name');
      const client = attribute(element, 'client');
      if (name === '' || client === '')
        throw badFile(`QjackCtl patchbay: an ${side} socket has no name or no client`);
      const type = socketType(attribute(element, 'type'));
      if (type === 'unknown')
        throw badFile(
          `QjackCtl patchbay: socket '${name}' has the unknown type '${attribute(element, 'type')}'`,
        );
      const exclusive = ['on', 'yes', '1'].includes(attribute(element, 'exclusive'));
      const plugs = children(element, 'plug').map(text);
      if (plugs.some((plug) => plug === ''))
        throw badFile(`QjackCtl patchbay: socket '${name}' has an empty plug`);
      sockets.set(name, { client, type, exclusive, plugs });
    }
  return sockets;
}

export function importQjackctl(source: string, name: string): Imported {
  checkSize(source, 'the QjackCtl patchbay');
  const root = parseXml(source, 'patchbay', 'QjackCtl patchbay');
  if (children(root, 'items').length > 0)
    throw badFile('this is a qpwgraph patchbay, not a QjackCtl one: import it as qpwgraph');
  const outputs = readSockets(children(root, 'output-sockets'), 'output');
  const inputs = readSockets(children(root, 'input-sockets'), 'input');
  const preset = emptyPreset(name, 'qjackctl');
  let skipped = 0;
  const exclusive = new Map<string, PortPattern>();
  const markExclusive = (socket: Socket) => {
    if (!socket.exclusive || socket.type === null) return;
    for (const port of socket.plugs)
      exclusive.set(`${socket.client}\u0000${port}`, { client: socket.client, port });
  };
  for (const socket of [...outputs.values(), ...inputs.values()]) markExclusive(socket);

  for (const group of children(root, 'cables'))
    for (const cable of children(group, 'cable')) {
      const output = outputs.get(attribute(cable, 'output'));
      const input = inputs.get(attribute(cable, 'input'));
      // QjackCtl drops a cable whose sockets it cannot find, or that joins other types.
      if (!output || !input || output.type !== input.type) {
        skipped += 1;
        continue;
      }
      if (output.type === null) {
        skipped += 1;
        continue;
      }
      const type = output.type;
      const pairs = Math.min(output.plugs.length, input.plugs.length);
      for (let i = 0; i < pairs; i += 1) {
        const source = { client: output.client, port: output.plugs[i] as string };
        const destination = { client: input.client, port: input.plugs[i] as string };
        const names = [source.client, source.port, destination.client, destination.port].map(
          literalOf,
        );
        if (names.every((n) => n !== null)) {
          const [sc, sp, dc, dp] = names as string[];
          preset.connections.push({
            source: fullName(sc as string, sp as string),
            destination: fullName(dc as string, dp as string),
            type,
          });
        } else {
          preset.patterns.push({ source, destination, type });
        }
      }
    }
  preset.connections = dedupe(preset.connections);
  preset.exclusive = [...exclusive.values()];
  checkCount(preset);
  checkPatterns(preset);
  return { preset, skipped };
}
