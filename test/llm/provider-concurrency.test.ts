import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { parseProviderConcurrency, withProviderConcurrency } from '../../src/llm/provider-concurrency.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { article, testGateway } from './support.ts';

const ollama = { provider: 'ollama', model: 'llama3.2' };

describe('per-provider concurrency', () => {
  it('admits up to the limit and queues the rest in order until a call ends', async () => {
    const limiter = withProviderConcurrency(undefined, { ollama: 1 });
    const first = await limiter.acquire(ollama, 10);
    const order: string[] = [];
    const admitted = (name: string) => (lease: Awaited<ReturnType<typeof limiter.acquire>>) => {
      order.push(name);
      return lease;
    };
    const second = limiter.acquire(ollama, 10).then(admitted('second'));
    const third = limiter.acquire(ollama, 10).then(admitted('third'));
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]);
    expect(limiter.load('ollama')).toEqual({ inFlight: 1, waiting: 2 });
    first.release(5);
    first.release(5); // a second release frees nothing more
    const l2 = await second;
    expect(order).toEqual(['second']);
    expect(l2.waitedMs).toBeGreaterThanOrEqual(15);
    expect(limiter.load('ollama')).toEqual({ inFlight: 1, waiting: 1 });
    l2.release(5);
    (await third).release(5);
    expect(limiter.load('ollama')).toEqual({ inFlight: 0, waiting: 0 });
  });

  it('leaves other providers unlimited and gives up a queued call when its caller aborts', async () => {
    const limiter = withProviderConcurrency(undefined, { ollama: 1 });
    const many = await Promise.all(
      Array.from({ length: 5 }, () => limiter.acquire({ provider: 'openai', model: 'm' }, 1)),
    );
    expect(many).toHaveLength(5);
    const held = await limiter.acquire(ollama, 1);
    const controller = new AbortController();
    const queued = limiter.acquire(ollama, 1, controller.signal);
    controller.abort(new Error('gone'));
    await expect(queued).rejects.toThrow('gone');
    expect(limiter.load('ollama')).toEqual({ inFlight: 1, waiting: 0 });
    held.release(1);
    expect(limiter.load('ollama').inFlight).toBe(0);
  });

  it('returns the slot when the rate limiter behind it refuses', async () => {
    const refusing = {
      acquire: async () => {
        throw new Error('rate limited');
      },
    };
    const limiter = withProviderConcurrency(refusing, { ollama: 1 });
    await expect(limiter.acquire(ollama, 1)).rejects.toThrow('rate limited');
    expect(limiter.load('ollama').inFlight).toBe(0);
  });

  it("hands slots out in turns across workspaces, and gives a workspace's own server slots of its own", async () => {
    const limiter = withProviderConcurrency(undefined, { ollama: 1 });
    const held = await limiter.acquire({ ...ollama, turn: 'a' }, 1);
    const order: string[] = [];
    const call = (turn: string, n: number) =>
      limiter.acquire({ ...ollama, turn }, 1).then((lease) => {
        order.push(`${turn}${n}`);
        lease.release(1);
      });
    const waiting = [call('a', 1), call('a', 2), call('a', 3), call('b', 1)];
    // A workspace's own Ollama (its own base URL) is another server: its slot is free while the
    // environment's is held (`held` is released only below).
    const own = await limiter.acquire({ ...ollama, scope: 'ws:b', turn: 'b' }, 1);
    expect(limiter.load('ollama')).toEqual({ inFlight: 1, waiting: 4 });
    own.release(1);
    held.release(1);
    await Promise.all(waiting);
    // First come first served would be a1 a2 a3 b1.
    expect(order).toEqual(['a1', 'b1', 'a2', 'a3']);
    expect(limiter.load('ollama')).toEqual({ inFlight: 0, waiting: 0 });
  });

  it('is configured by LLM_PROVIDER_CONCURRENCY with ollama at 1 by default', () => {
    expect(loadConfig({}).LLM_PROVIDER_CONCURRENCY).toEqual({ ollama: 1 });
    expect(parseProviderConcurrency('ollama=2, compatible=4')).toEqual({ ollama: 2, compatible: 4 });
    expect(parseProviderConcurrency('ollama=0')).toEqual({ ollama: 0 });
    expect(() => loadConfig({ LLM_PROVIDER_CONCURRENCY: 'llama=2' })).toThrow(/LLM_PROVIDER_CONCURRENCY/);
    expect(() => loadConfig({ LLM_PROVIDER_CONCURRENCY: 'ollama=many' })).toThrow(/provider=count/);
  });
});

describe('the gateway sends a slow local server one call at a time', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startOpenAiServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('three parallel streamed calls reach the server one after the other', async () => {
    const limiter = withProviderConcurrency(undefined, { compatible: 1 });
    const { gateway } = testGateway(
      { OPENAI_COMPATIBLE_BASE_URL: server.baseUrl, LLM_MODEL: 'compatible:slow', LLM_CACHE_TTL: '0' },
      { limiter },
    );
    let inFlight = 0;
    let most = 0;
    server.responder = () => {
      inFlight++;
      most = Math.max(most, inFlight);
      return { type: 'answer', text: 'one two three four five six', chunkSize: 4, chunkDelayMs: 30 };
    };
    const run = async () => {
      let text = '';
      for await (const delta of gateway.streamText({ role: 'writer', prompt: 'write', purpose: article }))
        text += delta;
      inFlight--;
      return text;
    };
    const texts = await Promise.all([run(), run(), run()]);
    expect(texts).toEqual(Array(3).fill('one two three four five six'));
    expect(most).toBe(1);
    expect(limiter.load('compatible')).toEqual({ inFlight: 0, waiting: 0 });
    await gateway.flush();
  });
});
