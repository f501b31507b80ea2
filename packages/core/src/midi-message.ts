// What a well-formed short MIDI message is: a status byte and exactly the data
// bytes its kind takes, each below 0x80. The MIDI send tool (port-tools.ts)
// sends nothing else; sysex and the undefined status bytes are refused.
// Pure, without Node: the renderer may import it too.

/** Data bytes that follow a status byte, or null for a status a short message cannot have. */
export function dataBytesOf(status: number): number | null {
  if (status < 0x80 || status > 0xff) return null;
  if (status < 0xf0) {
    const kind = status & 0xf0;
    return kind === 0xc0 || kind === 0xd0 ? 1 : 2;
  }
  switch (status) {
    case 0xf1: // MTC quarter frame
    case 0xf3: // song select
      return 1;
    case 0xf2: // song position
      return 2;
    case 0xf6: // tune request
    case 0xf8: // clock
    case 0xfa: // start
    case 0xfb: // continue
    case 0xfc: // stop
    case 0xfe: // active sensing
    case 0xff: // reset
      return 0;
    default:
      return null; // sysex (f0, f7) and the undefined f4, f5, f9, fd
  }
}

/** Why `bytes` is not one well-formed short MIDI message, or null when it is. */
export function shortMessageProblem(bytes: readonly number[]): string | null {
  const [status] = bytes;
  if (status === undefined) return 'a MIDI message needs a status byte';
  if (!Number.isInteger(status) || status < 0x80 || status > 0xff)
    return `${String(status)} is not a status byte (0x80 to 0xff)`;
  const count = dataBytesOf(status);
  const hex = `0x${status.toString(16)}`;
  if (count === null) return `status ${hex} does not start a short message (sysex is not sent)`;
  if (bytes.length !== 1 + count)
    return `status ${hex} takes ${count} data byte${count === 1 ? '' : 's'}, not ${bytes.length - 1}`;
  for (const byte of bytes.slice(1))
    if (!Number.isInteger(byte) || byte < 0 || byte > 0x7f)
      return `data byte ${String(byte)} is not from 0 to 127`;
  return null;
}
