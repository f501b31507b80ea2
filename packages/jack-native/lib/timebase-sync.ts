// The Python module's sync and timebase callbacks, asynchronous. JACK calls
// both from its realtime thread, where JavaScript cannot run: the engine
// records each question, the client answers it here on the JS thread when
// woken, and the engine gives JACK the latest answer (src/engine_rt.cpp).
import { CallbackExit, JackErrorCode } from './errors.js';
import type { NativeClient } from './native.js';
import { checkCallback } from './notifications.js';
import { TransportState } from './status.js';
import type { Position } from './transport.js';

/** The timebase callback's signature (the Python `jack` module's, with `pos` to fill in). */
export type TimebaseCallback = (
  state: TransportState,
  blocksize: number,
  pos: Position,
  newPos: boolean,
) => void;

/** The slow-sync callback's signature: true when ready to roll. */
export type SyncCallback = (state: TransportState, position: Position) => boolean;

const EMPTY_POSITION: Position = {
  unique1: 0,
  usecs: 0,
  frameRate: 0,
  frame: 0,
  valid: 0,
  bar: 1,
  beat: 1,
  tick: 0,
  barStartTick: 0,
  beatsPerBar: 4,
  beatType: 4,
  ticksPerBeat: 1920,
  beatsPerMinute: 120,
  frameTime: 0,
  nextTime: 0,
  bbtOffset: 0,
  audioFramesPerVideoFrame: 0,
  videoOffset: 0,
  unique2: 0,
};

const EBUSY = 16;

export class TimebaseSync {
  readonly #native: NativeClient;
  readonly #assertOpen: () => void;
  #sync: SyncCallback | null = null;
  #syncAnswered = -1;
  #timebase: TimebaseCallback | null = null;
  #timebaseSeen = -1;
  #timebaseStoppedAt = -1;
  /** A frame this client asked the transport to go to, until a question about it came. */
  #locating: number | null = null;

  /**
   * `nativeClient` unchecked, since answers still go out while the client
   * shuts down; `assertOpen` guards the setters.
   */
  constructor(nativeClient: NativeClient, assertOpen: () => void) {
    this.#native = nativeClient;
    this.#assertOpen = assertOpen;
  }

  /** Client.setSyncCallback. */
  setSyncCallback(callback: SyncCallback | null): void {
    checkCallback(callback, 'setSyncCallback');
    this.#assertOpen();
    const rc = this.#native.setSyncCallbackEnabled(callback !== null && callback !== undefined);
    if (rc !== 0) throw new JackErrorCode('Unable to set sync callback', rc);
    this.#sync = callback ?? null;
    this.#syncAnswered = -1;
  }

  /** Client.setTimebaseCallback. */
  setTimebaseCallback(callback: TimebaseCallback | null, conditional: boolean): boolean {
    checkCallback(callback, 'setTimebaseCallback');
    this.#assertOpen();
    if (!callback) {
      this.#timebase = null;
      this.#native.useJsTimebase(false);
      return true;
    }
    this.#native.useJsTimebase(true);
    const rc = this.#native.setTimebaseMaster(Boolean(conditional));
    if (rc === EBUSY) {
      this.#native.useJsTimebase(false);
      return false;
    }
    if (rc !== 0) {
      this.#native.useJsTimebase(false);
      throw new JackErrorCode('Unable to become timebase master', rc);
    }
    this.#timebase = callback;
    this.#timebaseSeen = -1;
    this.#timebaseStoppedAt = -1;
    return true;
  }

  /** Hands the timebase to the native engine's tempo (Client.setTimebaseMaster). */
  dropTimebaseCallback(): void {
    this.#timebase = null;
    this.#assertOpen();
    this.#native.useJsTimebase(false);
  }

  /** This client asked JACK to relocate to `frame` (its next timebase question will say so). */
  noteLocate(frame: number): void {
    this.#locating = frame;
  }

  /** Answers the questions JACK asked since the last wake-up. */
  answer(): void {
    if (this.#sync) this.#answerSync(this.#sync);
    if (this.#timebase) this.#answerTimebase(this.#timebase);
  }

  #answerSync(callback: SyncCallback): void {
    const request = this.#native.engineSyncRequest();
    if (request === this.#syncAnswered) return;
    const [state, position] = this.#native.transportQuery();
    let ready = false;
    try {
      ready = Boolean(callback(TransportState.of(state), position));
    } catch (error) {
      if (!(error instanceof CallbackExit))
        console.error('jack: exception in sync callback:', error);
      ready = true;
    }
    this.#native.syncAnswer(request, ready);
    if (ready) this.#syncAnswered = request;
  }

  #answerTimebase(callback: TimebaseCallback): void {
    const [seq, state, frames, frame, rate, newPos] = this.#native.timebaseRequest();
    if (seq === 0 || seq === this.#timebaseSeen) return;
    this.#timebaseSeen = seq;
    // While rolling, the next question is about one period later.
    const target = state === 1 ? (frame + frames) >>> 0 : frame;
    const pos: Position = { ...EMPTY_POSITION, frame: target, frameRate: rate };
    try {
      callback(TransportState.of(state), frames, pos, newPos);
    } catch (error) {
      // No more calls after an exception, and no stale BBT: give up the role.
      this.#timebase = null;
      this.#native.useJsTimebase(false);
      this.#native.releaseTimebase();
      if (!(error instanceof CallbackExit))
        console.error('jack: exception in timebase callback:', error);
      return;
    }
    // Stopped, JACK asks only when the position changes, and it asked before
    // this answer existed: relocate to the same frame so it asks once more.
    // Not while a locate of this client is still on its way: JACK2 keeps
    // only the latest request, so relocating here would undo it (and its
    // question comes anyway). Skipped once: a locate another client
    // overrode never comes.
    const locating = this.#locating;
    this.#locating = null;
    const relocate =
      state === 0 && this.#timebaseStoppedAt !== frame && (locating === null || locating === frame);
    this.#timebaseStoppedAt = state === 0 ? frame : -1;
    this.#native.timebaseAnswer(
      target,
      pos.bar,
      pos.beat,
      pos.tick,
      pos.barStartTick,
      pos.beatsPerBar,
      pos.beatType,
      pos.ticksPerBeat,
      pos.beatsPerMinute,
    );
    if (relocate) this.#native.transportLocate(frame);
  }
}
