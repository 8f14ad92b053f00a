/**
 * Request/reply over the IPC channel of a forked child: the parent calls commands, the child
 * serves them. Used by the benchmark to drive the emulator and app processes.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

interface CallMessage {
  kind: 'call';
  id: number;
  cmd: string;
  arg: unknown;
}

interface ReplyMessage {
  kind: 'reply';
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

interface ReadyMessage {
  kind: 'ready';
  info: unknown;
}

type Handler = (arg: unknown) => unknown;

function isMessage<T extends { kind: string }>(value: unknown, kind: T['kind']): value is T {
  return value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === kind;
}

/** In a child: answers the parent's calls with `handlers` and announces `info` as ready. */
export function serve(handlers: Record<string, Handler>, info: unknown): void {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('bench: this module must run as a forked child');
  process.on('message', (message: unknown) => {
    if (!isMessage<CallMessage>(message, 'call')) return;
    const handler = handlers[message.cmd];
    Promise.resolve()
      .then(() => {
        if (handler === undefined) throw new Error(`unknown command ${message.cmd}`);
        return handler(message.arg);
      })
      .then(
        (result: unknown) =>
          send({ kind: 'reply', id: message.id, ok: true, result } satisfies ReplyMessage),
        (err: unknown) =>
          send({
            kind: 'reply',
            id: message.id,
            ok: false,
            error: err instanceof Error ? err.message : String(err),
          } satisfies ReplyMessage),
      );
  });
  handlers['exit'] ??= () => {
    setImmediate(() => process.exit(0));
  };
  // Exit with the parent: the IPC channel closes when it goes away.
  process.on('disconnect', () => process.exit(0));
  send({ kind: 'ready', info } satisfies ReadyMessage);
}

/** A forked child process that serves calls. */
export class Child {
  readonly info: unknown;
  readonly #proc: ChildProcess;
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (err: Error) => void }
  >();
  #next = 1;

  private constructor(proc: ChildProcess, info: unknown) {
    this.#proc = proc;
    this.info = info;
    proc.on('message', (message: unknown) => {
      if (!isMessage<ReplyMessage>(message, 'reply')) return;
      const waiter = this.#pending.get(message.id);
      if (waiter === undefined) return;
      this.#pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(message.error ?? 'child command failed'));
    });
    proc.on('exit', (code) => {
      for (const waiter of this.#pending.values())
        waiter.reject(new Error(`child exited with code ${String(code)}`));
      this.#pending.clear();
    });
  }

  /** Forks `file` (TypeScript, run through tsx) and waits for its ready message. */
  static start(
    file: string,
    env: Record<string, string>,
    nodeFlags: string[] = [],
  ): Promise<Child> {
    const proc = fork(file, [], {
      execArgv: ['--import', 'tsx', '--expose-gc', ...nodeFlags],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void =>
        reject(new Error(`${file} exited with code ${String(code)} before it was ready`));
      proc.once('exit', onExit);
      proc.on('message', function onReady(message: unknown) {
        if (!isMessage<ReadyMessage>(message, 'ready')) return;
        proc.off('message', onReady);
        proc.off('exit', onExit);
        resolve(new Child(proc, message.info));
      });
    });
  }

  /** Calls a command of the child. */
  call<T>(cmd: string, arg?: unknown): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: (v) => resolve(v as T), reject });
      this.#proc.send({ kind: 'call', id, cmd, arg } satisfies CallMessage);
    });
  }

  /**
   * Asks the child to exit normally (so `--cpu-prof` writes its profile), and sends SIGTERM to
   * this one process if it has not exited within 5 s.
   */
  stop(): Promise<void> {
    if (this.#proc.exitCode !== null || this.#proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#proc.kill('SIGTERM'), 5000);
      this.#proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.call('exit').catch(() => undefined);
    });
  }
}
