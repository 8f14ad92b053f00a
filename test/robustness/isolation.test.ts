/**
 * Concurrency isolation: 500 logins of 5 different users at once through one Express +
 * express-session + Passport app (Graph and ID-token profile sources side by side), with token and
 * Graph faults and cancelled sign-ins mixed in. Every session ends up with its own user or none.
 */
import { expect } from 'chai';
import { MicrosoftGraphError, MicrosoftTokenError } from '../../lib/errors.js';
import { DEFAULT_CLIENT, startEmulator } from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import { appClient, get, login, startApp } from './harness.js';
import type { LoginOutcome, MountedStrategy, SessionUser, TestApp } from './harness.js';
import { timeSuite } from './suite-clock.js';
import { signedInThroughCommon } from '../helpers/emulator.js';

const LOGINS = 500;
const TOKEN_FAULTS = 5;
const GRAPH_FAULTS = 5;
const CANCELLED = 5;
const ACCOUNTS = ['personal', 'work', 'guest', 'personal-gmail', 'no-email'] as const;

interface Planned {
  index: number;
  account: (typeof ACCOUNTS)[number];
  strategy: 'graph' | 'idtoken';
  cancel: boolean;
}

describe('robustness: concurrency isolation', function () {
  this.timeout(60_000);
  timeSuite();
  let emulator: Emulator;
  let app: TestApp;
  let plan: Planned[];
  let unhandled = 0;
  const onUnhandled = (): void => {
    unhandled += 1;
  };

  before(async () => {
    plan = [];
    for (let i = 0; i < LOGINS; i++) {
      plan.push({
        index: i,
        account: ACCOUNTS[i % ACCOUNTS.length] ?? 'work',
        strategy: i % 2 === 0 ? 'graph' : 'idtoken',
        cancel: i % 100 === 13,
      });
    }
    // Setup guard: the counts asserted below assume CANCELLED cancelled logins in the plan.
    const cancelled = plan.filter((p) => p.cancel).length;
    if (cancelled !== CANCELLED)
      throw new Error(`setup: the plan cancels ${cancelled} logins, not ${CANCELLED}`);
    process.on('unhandledRejection', onUnhandled);
    emulator = await startEmulator({ clients: [appClient(['graph', 'idtoken'])] });
    const base: MountedStrategy['options'] = {
      clientID: DEFAULT_CLIENT.clientID,
      clientSecret: DEFAULT_CLIENT.clientSecret,
      authority: emulator.authority('common'),
      graphBaseURL: emulator.graphBaseURL,
      // Generous: on a loaded 2-core machine 500 logins queue; only the injected faults may fail.
      timeout: 60_000,
    };
    app = await startApp([
      { name: 'graph', options: { ...base, photo: true } },
      { name: 'idtoken', options: { ...base, profileSource: 'id_token' } },
    ]);
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await app.close();
    await emulator.close();
  });

  it(`gives ${LOGINS} concurrent logins of 5 users each its own session user, with faults and cancels mixed in`, async () => {
    // The next 5 token requests answer 503, the next 5 Graph /me requests 500, whoever sends them.
    emulator.setFault(
      'token',
      { type: 'status', status: 503, retryAfter: 1 },
      { times: TOKEN_FAULTS },
    );
    emulator.setFault('graph.me', { type: 'status', status: 500 }, { times: GRAPH_FAULTS });

    const outcomes: LoginOutcome[] = await Promise.all(
      plan.map((p) => login(app.url, p.strategy, p.cancel ? { cancel: true } : p.account)),
    );

    let ok = 0;
    let failed = 0;
    let errored = 0;
    const cookies = new Set<string>();
    for (const [i, outcome] of outcomes.entries()) {
      const p = plan[i] as Planned;
      expect(cookies.has(outcome.cookie), 'two logins share a session').to.equal(false);
      cookies.add(outcome.cookie);
      if (p.cancel) {
        expect(outcome.status, `cancelled login ${i}`).to.equal(401);
        expect(outcome.user).to.equal(null);
        failed += 1;
        continue;
      }
      if (outcome.status === 500) {
        expect(outcome.user).to.equal(null);
        errored += 1;
        continue;
      }
      expect(outcome.status, `login ${i}`).to.equal(200);
      // Through common a guest signs in as its home account, as at Microsoft.
      const user = signedInThroughCommon(p.account);
      const expected: Partial<SessionUser> = {
        id: user.oid,
        tenantId: user.tid,
        displayName: user.displayName,
      };
      expect(outcome.user, `session of login ${i} (${p.account} via ${p.strategy})`).to.include(
        expected,
      );
      ok += 1;
    }
    expect(failed).to.equal(CANCELLED);
    expect(errored).to.equal(TOKEN_FAULTS + GRAPH_FAULTS);
    expect(ok).to.equal(LOGINS - CANCELLED - TOKEN_FAULTS - GRAPH_FAULTS);
    const kinds = app.errors.map((e) =>
      e.error instanceof MicrosoftTokenError
        ? `token:${e.error.status}`
        : e.error instanceof MicrosoftGraphError
          ? `graph:${e.error.status}`
          : String(e.error),
    );
    expect(kinds.filter((k) => k === 'token:503')).to.have.length(TOKEN_FAULTS);
    expect(kinds.filter((k) => k === 'graph:500')).to.have.length(GRAPH_FAULTS);
    expect(app.errors).to.have.length(TOKEN_FAULTS + GRAPH_FAULTS);

    // Read every session again, all at once: still its own user, no cross-talk.
    const again = await Promise.all(outcomes.map((o) => get(`${app.url}/me`, o.cookie)));
    for (const [i, res] of again.entries()) {
      const user = (JSON.parse(res.text) as { user: SessionUser | null }).user;
      expect(user, `session of login ${i} read again`).to.deep.equal(outcomes[i]?.user ?? null);
    }
    expect(unhandled).to.equal(0);
  });
});
