// The LLM time of a job, from the intervals of its model requests as the fake model saw them (no
// knowledge of which call waited for which). Two measures:
//  - the longest chain: the largest total duration of requests that ran one after another (each
//    started after the previous one ended). A dependent chain of calls is such a chain, so this is
//    at least the true LLM critical path; it also counts a call that waited for a concurrency slot,
//    which is the program's own critical path under its limit.
//  - busy time: how long at least one request was in flight (the union). Never below the longest
//    chain; wall − busy is the time in which the job waited on nothing but itself.
export interface Interval {
  start: number;
  end: number;
}

export function longestChain(intervals: readonly Interval[]): number {
  const byEnd = [...intervals].sort((a, b) => a.end - b.end);
  const best: number[] = [];
  let longest = 0;
  for (let i = 0; i < byEnd.length; i++) {
    const cur = byEnd[i]!;
    let before = 0;
    for (let j = 0; j < i; j++) if (byEnd[j]!.end <= cur.start) before = Math.max(before, best[j]!);
    best.push(before + (cur.end - cur.start));
    longest = Math.max(longest, best[i]!);
  }
  return longest;
}

export function busyTime(intervals: readonly Interval[]): number {
  const byStart = [...intervals].sort((a, b) => a.start - b.start);
  let total = 0;
  let openStart = Number.NEGATIVE_INFINITY;
  let openEnd = Number.NEGATIVE_INFINITY;
  for (const { start, end } of byStart) {
    if (start > openEnd) {
      if (openEnd > openStart) total += openEnd - openStart;
      openStart = start;
      openEnd = end;
    } else openEnd = Math.max(openEnd, end);
  }
  if (openEnd > openStart) total += openEnd - openStart;
  return total;
}

export interface NamedInterval extends Interval {
  what: string;
}

export interface IdleGap {
  /** The request whose end opened the gap ('start' for the job's start). */
  after: string;
  /** The request whose start closed it ('end' for the job's end). */
  before: string;
  from: number;
  ms: number;
}

/**
 * The stretches of [from, to] in which no request was in flight — the time the job spent on itself
 * on its critical path — each named by the request that ended before it and the one that started
 * after it.
 */
export function idleGaps(intervals: readonly NamedInterval[], from: number, to: number): IdleGap[] {
  const byStart = [...intervals].sort((a, b) => a.start - b.start);
  const gaps: IdleGap[] = [];
  let busyUntil = from;
  let last = 'start';
  for (const r of byStart) {
    if (r.start > busyUntil)
      gaps.push({ after: last, before: r.what, from: busyUntil, ms: r.start - busyUntil });
    if (r.end >= busyUntil) {
      busyUntil = r.end;
      last = r.what;
    }
  }
  if (to > busyUntil) gaps.push({ after: last, before: 'end', from: busyUntil, ms: to - busyUntil });
  return gaps;
}
