/**
 * The session store: express-session's MemoryStore by default (one process only), or Redis when
 * `REDIS_URL` is set, so several instances behind a load balancer share sessions and a sign-in
 * started on one instance can finish on another.
 */
import { RedisStore } from 'connect-redis';
import type { Store } from 'express-session';
import { createClient } from 'redis';

/** An open session store and how to release it. */
export interface SessionStore {
  /** `undefined` = express-session's MemoryStore. */
  store: Store | undefined;
  /** What it is, for the start-up banner (no credentials). */
  description: string;
  /** Closes the Redis connection (no-op for memory). */
  close(): Promise<void>;
}

/** Attempts at the first connection before giving up with a clear message. */
const FIRST_CONNECT_ATTEMPTS = 5;

/** Hides the password of a Redis URL. */
export function redactRedisURL(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.href;
  } catch {
    return 'redis://…';
  }
}

/**
 * Opens the session store. With a Redis URL, connects first (so a wrong URL stops the app at start)
 * and keeps reconnecting with back-off after that.
 *
 * @param log - receives connection problems (never the password).
 */
export async function openSessionStore(
  redisURL: string | undefined,
  log: (line: string) => void = (l) => console.error(l),
): Promise<SessionStore> {
  if (redisURL === undefined) {
    return {
      store: undefined,
      description: 'memory (this process only)',
      close: () => Promise.resolve(),
    };
  }
  let connected = false;
  const client = createClient({
    url: redisURL,
    socket: {
      connectTimeout: 5000,
      reconnectStrategy: (retries: number, cause: Error) =>
        !connected && retries >= FIRST_CONNECT_ATTEMPTS - 1
          ? new Error(`could not connect: ${cause.message}`)
          : Math.min(100 * 2 ** retries, 3000),
    },
  });
  let lastError = '';
  client.on('error', (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    if (message !== lastError) log(`redis: ${message}`);
    lastError = message;
  });
  try {
    await client.connect();
  } catch (err) {
    if (client.isOpen) client.destroy();
    throw new Error(
      `Could not connect to Redis at ${redactRedisURL(redisURL)}: ${err instanceof Error ? err.message : String(err)}. Check REDIS_URL and that Redis is running.`,
      { cause: err },
    );
  }
  connected = true;
  const store = new RedisStore({ client, prefix: 'msa-sample:sess:' });
  return {
    store,
    description: `redis (${redactRedisURL(redisURL)})`,
    close: async () => {
      if (client.isOpen) await client.close();
    },
  };
}
