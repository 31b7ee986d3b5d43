// Live progress of an article run on a terminal: a bar of finished steps with the current step and
// the running cost, tokens/s and the time left; without a terminal (CI, pipes) one line per step
// (and a rate line every few seconds while text streams) instead of redrawing.
import cliProgress from 'cli-progress';
import type { ArticleEventMessage } from '../articles/event-map.ts';
import { countTokens } from '../llm/token-count.ts';
import { createGenerationRate } from './generation-rate.ts';

export interface RunProgress {
  log(line: string): void;
  setTotal(steps: number): void;
  /** The words the brief plans, for the time left. */
  setPlannedWords(words: number): void;
  event(message: ArticleEventMessage): void;
  stop(): void;
}

const money = (usd: number) => `$${usd.toFixed(4)}`;

/**
 * The run's cost as far as it is known: calls of a model without a price cost what no one can say,
 * so they are not shown as $0 (`unpriced`: those models).
 */
function costText(usd: number, unpriced: readonly string[]): string {
  if (unpriced.length === 0) return money(usd);
  return usd > 0 ? `${money(usd)} + price unknown` : 'price unknown';
}

export interface RunProgressOptions {
  now?: () => number;
  /** Least time between two rate lines without a terminal, ms. */
  rateLineMs?: number;
}

export function createRunProgress(out: NodeJS.WriteStream, opts: RunProgressOptions = {}): RunProgress {
  const tty = !!out.isTTY;
  const now = opts.now ?? Date.now;
  let rate = createGenerationRate({ plannedWords: 1500, countTokens });
  let lastRateLine = 0;
  let total = 3;
  let finished = 0;
  let cost = 0;
  let unpriced: readonly string[] = [];
  let current = 'queued';
  let stopped = false;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          stream: out,
          format: ' {bar} {value}/{total} steps | {step} | {cost} {speed}',
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const speed = () => {
    const text = rate.describe(now());
    return text ? `| ${text}` : '';
  };
  bar?.start(total, 0, { step: current, cost: money(0), speed: '' });
  const redraw = () =>
    bar?.update(finished, { step: current, cost: costText(cost, unpriced), speed: speed() });
  const line = (text: string) => {
    if (bar) {
      bar.stop();
      out.write(`${text}\n`);
      bar.start(total, finished, { step: current, cost: costText(cost, unpriced), speed: speed() });
    } else out.write(`${text}\n`);
  };
  return {
    log: line,
    setTotal(steps) {
      total = Math.max(steps, finished);
      bar?.setTotal(total);
    },
    setPlannedWords(words) {
      rate = createGenerationRate({ plannedWords: words, countTokens });
    },
    event(message) {
      if (stopped) return;
      switch (message.type) {
        case 'section.delta':
        case 'section.thinking': {
          const at = now();
          rate.add(message.data.text, at, message.type === 'section.delta');
          const text = rate.describe(at);
          if (!bar && text && at - lastRateLine >= (opts.rateLineMs ?? 10_000)) {
            lastRateLine = at;
            line(`  … ${rate.wordsWritten} words, ${text}`);
          }
          break;
        }
        case 'step.started':
          current = message.data.step;
          if (!bar) line(`▸ ${current}`);
          break;
        case 'step.finished': {
          const { step, status, durationMs, costUsd, error } = message.data;
          finished++;
          if (finished > total) {
            total = finished;
            bar?.setTotal(total);
          }
          if (!bar || status === 'failed') {
            const took = durationMs !== undefined ? ` ${(durationMs / 1000).toFixed(1)}s` : '';
            const mark = status === 'failed' ? '✗' : status === 'skipped' ? '–' : '✓';
            line(
              `${mark} ${step} ${status}${took}${costUsd ? ` ${money(costUsd)}` : ''}${error ? `: ${error}` : ''}`,
            );
          }
          break;
        }
        case 'source.found':
          line(`  source [${message.data.n}] ${message.data.title}`);
          break;
        case 'source.failed':
          line(`  ! could not use ${message.data.url}: ${message.data.reason}`);
          break;
        case 'search.failed':
          line(`  ! search for "${message.data.query}" failed: ${message.data.reason}`);
          break;
        case 'cost':
          cost = message.data.costUsd;
          unpriced = message.data.unpricedModels ?? [];
          break;
        case 'error':
          line(`✗ ${message.data.message}`);
          break;
        case 'done':
          current = message.data.status;
          if (!bar)
            line(
              `${current === 'completed' ? '✓' : '✗'} ${current} — total ${costText(cost, unpriced)}${
                unpriced.length > 0 ? ` (no price for ${unpriced.join(', ')})` : ''
              }`,
            );
          break;
      }
      redraw();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar?.stop();
    },
  };
}
