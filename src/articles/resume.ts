// A resumed run returns the stored outputs of its finished steps instead of running them again.
// An output this version cannot read (an upgrade between the crash and the resume changed the
// step's output, or the row was damaged) is not handed on as if it had the expected shape: the run
// starts again from that step. Every step listed after it runs again too, since it may have been
// made from the unreadable output (the positions order the pipeline's steps after what they read:
// the sections after the outline, the checks after the sections, the rendering last).
import { readableOutput } from './step-outputs.ts';
import { reopenSteps, storedSteps } from './step-store.ts';
import type { RunContext } from './steps.ts';

/**
 * Sets back to pending the run's steps (those `ownStep` accepts) from the first whose stored output
 * is unreadable on, before the run starts any. The names set back; none when every output reads.
 */
export async function restartUnreadableSteps(
  ctx: Pick<RunContext, 'database' | 'article' | 'events' | 'logger' | 'leaseOwner'>,
  ownStep: (name: string) => boolean,
): Promise<string[]> {
  const own = (await storedSteps(ctx.database, ctx.article.id)).filter((s) => ownStep(s.name));
  const unreadable = own.filter((s) => s.status === 'completed' && !readableOutput(s.name, s.output));
  if (unreadable.length === 0) return [];
  const from = Math.min(...unreadable.map((s) => s.position));
  const names = own.filter((s) => s.position >= from && s.status !== 'pending').map((s) => s.name);
  const reopened = await reopenSteps(ctx.database, ctx.article.id, names, ctx.leaseOwner);
  ctx.logger.warn(
    { article: ctx.article.id, unreadable: unreadable.map((s) => s.name), reopened },
    'stored step outputs this version cannot read; running those steps and the ones after them again',
  );
  await ctx.events.notify(ctx.article.id);
  return reopened;
}
