// Import of other patchbays' files: the format named, or told from the text
// (the root element, or JSON), then the one importer of that format.
import { JackbayRpcError } from '../errors.js';
import { badFile, checkSize } from './checks.js';
import { importAjSnapshot } from './import-aj-snapshot.js';
import { importJackpatch } from './import-jackpatch.js';
import { importJson } from './import-json.js';
import { importQjackctl } from './import-qjackctl.js';
import { importQpwgraph } from './import-qpwgraph.js';
import type { Imported } from './imported.js';
import { rootName } from './xml.js';

export const IMPORT_FORMATS = ['json', 'qjackctl', 'aj-snapshot', 'qpwgraph', 'jackpatch'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

const IMPORTERS: Record<ImportFormat, (text: string, name: string) => Imported> = {
  json: importJson,
  qjackctl: importQjackctl,
  'aj-snapshot': importAjSnapshot,
  qpwgraph: importQpwgraph,
  jackpatch: importJackpatch,
};

/** Which format a file is, from its content; null if none of ours. */
export function detectFormat(text: string): ImportFormat | null {
  const head = text.slice(0, 64 * 1024).trimStart();
  if (head.startsWith('{')) return 'json';
  switch (rootName(head)) {
    case 'aj-snapshot':
      return 'aj-snapshot';
    case 'RAY-JACKPATCH':
      return 'jackpatch';
    case 'patchbay':
      // qpwgraph and QjackCtl share the root; qpwgraph's children are <items>.
      return /<items[\s/>]/.test(head) ? 'qpwgraph' : 'qjackctl';
    default:
      return null;
  }
}

export function importPreset(format: ImportFormat | 'auto', text: string, name: string): Imported {
  checkSize(text, 'the file');
  const chosen = format === 'auto' ? detectFormat(text) : format;
  if (chosen === null)
    throw badFile(
      'not a file Jackbay can import: expected a Jackbay preset (JSON), a QjackCtl or qpwgraph patchbay, an aj-snapshot or a RaySession jackpatch file',
    );
  const importer = IMPORTERS[chosen];
  if (!importer) throw new JackbayRpcError('bad-request', `unknown format '${chosen}'`);
  return importer(text, name);
}
