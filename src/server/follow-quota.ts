// What one user follows at once in this process, over SSE streams and WebSocket subscriptions
// together. Each followed article is a reader with its own poll of the event table (every 2 s), and
// each stream an open connection; streams stay open until a run's final `done` — an article that
// never ran has none — so without a bound one member could open streams until the process ran out
// of descriptors, or follow articles until the database spent its time on their polls. The web app
// opens one stream per article on screen; 2,000 people watching one article are many users.
import { AppError } from '../errors.ts';

export interface FollowLimits {
  /** Distinct articles one user follows at once. */
  articles: number;
  /** Open streams and subscriptions of one user, on any articles. */
  streams: number;
}

export const followLimits: FollowLimits = { articles: 64, streams: 256 };

export interface FollowQuota {
  /** A place for one more stream of `userId` on `articleId`, or `rate_limited`; call what it returns to give it back. */
  take(userId: string, articleId: string): () => void;
}

interface Following {
  streams: number;
  /** Streams per article. */
  articles: Map<string, number>;
}

export function followQuota(limits: FollowLimits = followLimits): FollowQuota {
  const users = new Map<string, Following>();
  return {
    take(userId, articleId) {
      const user = users.get(userId) ?? { streams: 0, articles: new Map<string, number>() };
      const onArticle = user.articles.get(articleId) ?? 0;
      if (user.streams >= limits.streams)
        throw new AppError(
          'rate_limited',
          `At most ${limits.streams} article event streams and subscriptions may be open at once; close one first`,
        );
      if (onArticle === 0 && user.articles.size >= limits.articles)
        throw new AppError(
          'rate_limited',
          `At most ${limits.articles} articles may be followed at once; close a stream of another first`,
        );
      user.streams++;
      user.articles.set(articleId, onArticle + 1);
      users.set(userId, user);
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        user.streams--;
        const left = (user.articles.get(articleId) ?? 1) - 1;
        if (left === 0) user.articles.delete(articleId);
        else user.articles.set(articleId, left);
        if (user.streams === 0) users.delete(userId);
      };
    },
  };
}
