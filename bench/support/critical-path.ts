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
