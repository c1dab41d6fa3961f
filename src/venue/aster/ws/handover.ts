/**
 * Switching a stream from an old socket to its replacement without losing or repeating a message.
 *
 * During the overlap both sockets receive the same frames, each at its own pace. The old socket stays authoritative:
 * everything it receives is delivered. What the new socket receives is held back and compared, frame text against
 * frame text, with what the old one delivered:
 * - a new-socket frame the old socket already delivered is dropped, along with the old frames before it (the new
 *   socket opened after them and will never see them);
 * - a new-socket frame the old socket has not delivered yet is buffered, and dropped when the old socket delivers it.
 * Once a frame has been seen on both sockets for a key the two are aligned for that key. At promotion (every key
 * aligned, the overlap timed out, or the old socket died) the buffer, i.e. what only the new socket has seen, is
 * delivered in arrival order, and the old frames the new socket has not caught up with yet become a skip list that
 * swallows their copies when they arrive on the new socket.
 *
 * Matching on the exact text relies on the server sending both connections byte-identical frames, and on every
 * Aster payload carrying an event time or update id, so two distinct events never have the same text.
 */
interface Buffered<F> {
  frame: F;
  seq: number;
}

interface KeyState<F> {
  /** Frames the old socket delivered that the new socket has not shown us yet, oldest first. */
  recorded: string[];
  /** Frames the new socket received that the old socket has not delivered yet, oldest first. */
  buffer: Array<Buffered<F>>;
  aligned: boolean;
}

export class Handover<F extends { text: string }> {
  private readonly keys = new Map<string, KeyState<F>>();
  private readonly skip = new Map<string, string[]>();
  private promoted = false;
  private seq = 0;

  /** A frame from the old socket; returns what to deliver now. */
  fromOld(key: string, frame: F): F[] {
    if (this.promoted) return [];
    const state = this.stateOf(key);
    const index = state.buffer.findIndex((entry) => entry.frame.text === frame.text);
    if (index < 0) {
      state.recorded.push(frame.text);
      return [frame];
    }
    // The new socket had this one too. Anything it had before it that the old socket never delivered would be
    // lost if dropped, so it goes out first (only possible when the two sockets did not receive the same sequence).
    const unseen = state.buffer.slice(0, index).map((entry) => entry.frame);
    state.buffer.splice(0, index + 1);
    state.aligned = true;
    return [...unseen, frame];
  }

  /** A frame from the new socket; returns what to deliver now (nothing, until promotion). */
  fromNew(key: string, frame: F): F[] {
    if (this.promoted) return this.afterPromotion(key, frame);
    const state = this.stateOf(key);
    const index = state.recorded.indexOf(frame.text);
    if (index < 0) {
      state.buffer.push({ frame, seq: this.seq++ });
      return [];
    }
    state.recorded.splice(0, index + 1);
    state.aligned = true;
    // Buffered frames that precede an already delivered one were never delivered by the old socket: late, not lost.
    const late = state.buffer.map((entry) => entry.frame);
    state.buffer = [];
    return late;
  }

  isAligned(key: string): boolean {
    return this.keys.get(key)?.aligned ?? false;
  }

  /** The new socket takes over: returns, in arrival order, what only it has seen. */
  promote(): F[] {
    if (this.promoted) return [];
    this.promoted = true;
    const held: Array<Buffered<F>> = [];
    for (const [key, state] of this.keys) {
      held.push(...state.buffer);
      if (state.recorded.length > 0) this.skip.set(key, state.recorded);
    }
    this.keys.clear();
    return held.sort((a, b) => a.seq - b.seq).map((entry) => entry.frame);
  }

  /** True once promoted and no copy of an old-socket frame is still expected on the new socket. */
  get settled(): boolean {
    return this.promoted && this.skip.size === 0;
  }

  private afterPromotion(key: string, frame: F): F[] {
    const pending = this.skip.get(key);
    if (pending === undefined) return [frame];
    const index = pending.indexOf(frame.text);
    if (index >= 0) {
      pending.splice(0, index + 1);
      if (pending.length === 0) this.skip.delete(key);
      return [];
    }
    // Past everything the old socket delivered: the new socket is now ahead, nothing more to swallow.
    this.skip.delete(key);
    return [frame];
  }

  private stateOf(key: string): KeyState<F> {
    let state = this.keys.get(key);
    if (state === undefined) {
      state = { recorded: [], buffer: [], aligned: false };
      this.keys.set(key, state);
    }
    return state;
  }
}
