/**
 * Finds stop sequences in streamed text without ever emitting part of one:
 * text that could still grow into a stop sequence is held back until the
 * next chunk decides it. OpenAI semantics: the output ends right before the
 * first stop sequence, which is not included.
 */
export class StopMatcher {
  private pending = "";
  private stopped = false;

  constructor(private readonly stops: readonly string[]) {}

  /** Whether a stop sequence has been seen; nothing more is emitted after it. */
  get done(): boolean {
    return this.stopped;
  }

  /** Feeds generated text; returns what can be emitted now. */
  push(text: string): string {
    if (this.stopped) return "";
    this.pending += text;
    let cut = -1;
    for (const s of this.stops) {
      if (s === "") continue;
      const at = this.pending.indexOf(s);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      this.stopped = true;
      const out = this.pending.slice(0, cut);
      this.pending = "";
      return out;
    }
    const keep = this.heldBack();
    const out = this.pending.slice(0, this.pending.length - keep);
    this.pending = this.pending.slice(this.pending.length - keep);
    return out;
  }

  /** The text still held back, once generation ended without a stop sequence. */
  flush(): string {
    const out = this.stopped ? "" : this.pending;
    this.pending = "";
    return out;
  }

  /** Length of the longest suffix of the pending text that is a proper prefix of a stop sequence. */
  private heldBack(): number {
    let keep = 0;
    for (const s of this.stops) {
      for (let n = Math.min(s.length - 1, this.pending.length); n > keep; n--) {
        if (this.pending.endsWith(s.slice(0, n))) {
          keep = n;
          break;
        }
      }
    }
    return keep;
  }
}
