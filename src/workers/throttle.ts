// Progress edits of the parent message: the first one at once (a person sees it start moving),
// then at most one per interval, each carrying the latest state. The final state is not this
// module's business: the processor always writes the verdict itself.

export class ThrottledSender<T> {
  private latest: T | undefined;
  private pending = false;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly send: (value: T) => Promise<void>,
    private readonly intervalMs: number,
  ) {}

  /** Records the latest value; sends now or schedules it. Never waits, never throws. */
  push(value: T): void {
    if (this.stopped) return;
    this.latest = value;
    this.pending = true;
    if (this.timer) return;
    const wait = this.lastSentAt + this.intervalMs - Date.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Stops sending; resolves when the send in flight (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private flush(): void {
    this.timer = undefined;
    if (!this.pending || this.stopped) return;
    this.pending = false;
    this.lastSentAt = Date.now();
    const value = this.latest as T;
    // Sends run one after another, so an older state can never overwrite a newer one.
    this.inFlight = this.inFlight.then(() => this.send(value).catch(() => undefined));
  }
}
