// RaySession's jackpatch file (src/clients/jackpatch, main_loop.py): a
// <RAY-JACKPATCH> root with <connection from to> elements (full port names;
// optional nsm_client_from/nsm_client_to name the session's clients) and a
// <graph> of <group name> with <in_port>/<out_port name>: the ports present at
// save time, which jackpatch uses to decide what to disconnect. Only the
// connections are a preset's.

import { badFile, checkCount, checkSize } from './checks.js';
import { dedupe, type Imported } from './imported.js';
import { emptyPreset } from './model.js';
import { attribute, children, parseXml } from './xml.js';

export function importJackpatch(source: string, name: string): Imported {
  checkSize(source, 'the jackpatch file');
  const root = parseXml(source, 'RAY-JACKPATCH', 'RaySession jackpatch');
  const preset = emptyPreset(name, 'jackpatch');
  for (const connection of children(root, 'connection')) {
    const from = attribute(connection, 'from');
    const to = attribute(connection, 'to');
    if (from === '' || to === '')
      throw badFile('RaySession jackpatch: a <connection> lacks its from or to port');
    preset.connections.push({ source: from, destination: to });
  }
  preset.connections = dedupe(preset.connections);
  return { preset: checkCount(preset), skipped: 0 };
}
