// Signals for one piece of work that let go of everything once the work is over.
//
// AbortSignal.any() and AbortSignal.timeout() would do the linking, but Node pins such a signal in
// a process-wide set for as long as an 'abort' listener is attached and it has not aborted. fetch
// attaches one and removes it only when its request is garbage-collected; a once-listener that
// never fires is never removed. In a server that runs for days that is one pinned signal per call
// (bench/soak.ts found them piling up in heap snapshots). A plain controller's signal is not pinned,
// and dispose() removes the listener from the parent and the timer.

/** Aborts `controller` when `parent` aborts; returns the function that undoes the link. */
export function linkAbort(parent: AbortSignal | undefined, controller: AbortController): () => void {
  if (!parent) return () => {};
  if (parent.aborted) {
    controller.abort(parent.reason);
    return () => {};
  }
  const forward = () => controller.abort(parent.reason);
  parent.addEventListener('abort', forward, { once: true });
  return () => parent.removeEventListener('abort', forward);
}

export interface TimedAbortScope {
  readonly signal: AbortSignal;
  /** True once the time ran out (not when the parent aborted). */
  readonly timedOut: boolean;
  dispose(): void;
}

/** A signal that aborts with a TimeoutError after `timeoutMs`, or with the parent's reason. */
export function timedAbortScope(timeoutMs: number, parent?: AbortSignal): TimedAbortScope {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, timeoutMs);
  // Like AbortSignal.timeout's timer, it does not keep the process alive.
  timer.unref();
  const unlink = linkAbort(parent, controller);
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      clearTimeout(timer);
      unlink();
    },
  };
}
