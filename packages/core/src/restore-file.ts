// The restore memory outlives the service: what PatchMemory remembers (the
// connections to re-make, the ghosts they lead to, the merge rules, the
// switch) is kept in configDir()/restore.json, so a Jackbay started again
// re-makes what was there — as QjackCtl's active patchbay and aj-snapshot's
// daemon do. Writes are atomic and a second apart at most; an unreadable
// file is set aside and reported, and Jackbay starts with an empty memory.
import { z } from 'zod';
import { parseJson, readConfigFile, writeFileAtomic } from './config-files.js';
import { ClientInfo, Connection, PortInfo } from './contract.js';

export const SavedMemory = z.object({
  version: z.literal(1),
  enabled: z.boolean(),
  mergeRules: z.array(z.string()),
  connections: z.array(Connection),
  ghosts: z.array(z.object({ client: ClientInfo, ports: z.array(PortInfo) })),
});
export type SavedMemory = z.infer<typeof SavedMemory>;

const WRITE_AFTER_MS = 1000;

/** The saved memory, or null (none yet, or unreadable: then said in `log`). */
export function readSavedMemory(path: string, log: (message: string) => void): SavedMemory | null {
  const outcome = readConfigFile(path, (text) => {
    const parsed = SavedMemory.safeParse(parseJson(text));
    // One line, for a log.
    if (!parsed.success) throw new Error(z.prettifyError(parsed.error).replace(/\n\s*/g, ' '));
    return parsed.data;
  });
  if (outcome.kind === 'ok') return outcome.value;
  if (outcome.kind === 'corrupt')
    log(
      `the restore memory ${path} is unreadable (${outcome.reason}); ` +
        (outcome.setAsideAs ? `set aside as ${outcome.setAsideAs}; ` : '') +
        'starting with an empty one',
    );
  return null;
}

/** Writes the latest memory at most once a second, and at once on flush. */
export class SavedMemoryWriter {
  readonly #path: string;
  readonly #log: (message: string) => void;
  #pending: SavedMemory | null = null;
  #timer: NodeJS.Timeout | null = null;
  #failed = false;

  constructor(path: string, log: (message: string) => void) {
    this.#path = path;
    this.#log = log;
  }

  write(memory: SavedMemory): void {
    this.#pending = memory;
    if (this.#timer) return;
    this.#timer = setTimeout(() => this.flush(), WRITE_AFTER_MS);
    this.#timer.unref();
  }

  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const memory = this.#pending;
    this.#pending = null;
    if (!memory) return;
    try {
      writeFileAtomic(this.#path, `${JSON.stringify(memory, null, 1)}\n`);
      this.#failed = false;
    } catch (error) {
      // Said once per failing spell, not on every change.
      if (!this.#failed)
        this.#log(`cannot keep the restore memory in ${this.#path}: ${(error as Error).message}`);
      this.#failed = true;
    }
  }
}
