/**
 * Fault matrix: every Microsoft endpoint a login calls (token, Graph /me, the photo, the JWKS)
 * failing in every way the emulator can fail, through a real Express + express-session + Passport
 * app. Each login ends quickly in a typed error through Passport's `error` action (or, where the
 * strategy documents it, succeeds without the photo); nothing is left unhandled or open; the next
 * login succeeds.
 */
import { expect } from 'chai';
import http from 'node:http';
import {
  MicrosoftGraphError,
  MicrosoftIdTokenError,
  MicrosoftHttpError,
  MicrosoftTokenError,
  MicrosoftProfileError,
} from '../../lib/errors.js';
import { DEFAULT_CLIENT, startEmulator } from 'microsoft-identity-emulator';
import type { Emulator, EmulatorFault, EmulatorRoute } from 'microsoft-identity-emulator';
import { closedPortURL } from '../helpers/fake-server.js';
import { appClient, eventually, login, SocketTracker, startApp } from './harness.js';
import type { MountedStrategy, TestApp } from './harness.js';
import { timeSuite } from './suite-clock.js';

const TIMEOUT = 500;
/** A login must end within the strategy timeout plus this. */
const SLACK = 1000;
const RETRY_AFTER = 7;

type FaultName =
  'refused' | 'hang' | '429' | '500' | '503' | 'truncated' | 'html' | 'huge' | 'reset';
type Route = Extract<EmulatorRoute, 'token' | 'graph.me' | 'graph.photo' | 'jwks'>;

const FAULTS: Record<Exclude<FaultName, 'refused'>, EmulatorFault> = {
  hang: { type: 'hang' },
  '429': { type: 'status', status: 429, retryAfter: RETRY_AFTER },
  '500': { type: 'status', status: 500 },
  '503': { type: 'status', status: 503, retryAfter: RETRY_AFTER },
  truncated: { type: 'truncated' },
  // HTML where JSON is expected, with a 200 status: the hardest case for a client to notice.
  html: { type: 'html', status: 200 },
  huge: { type: 'huge', bytes: 1.5 * 1024 * 1024 },
  reset: { type: 'reset' },
};

/** What a case must end in. */
type Expectation =
  { kind: 'error'; check: (err: unknown) => void } | { kind: 'success-without-photo' };

function httpError(code: string, endpoints: string[]): Expectation {
  return {
    kind: 'error',
    check: (err) => {
      expect(err).to.be.instanceOf(MicrosoftHttpError);
      const e = err as MicrosoftHttpError;
      expect(e.code).to.equal(code);
      expect(endpoints).to.include(e.endpoint);
      expect(e.message).to.match(
        /^(GET|POST) http:\/\/127\.0\.0\.1:\d+\/|^Token endpoint answered/,
      );
    },
  };
}

function tokenError(code: string, status: number): Expectation {
  return {
    kind: 'error',
    check: (err) => {
      expect(err).to.be.instanceOf(MicrosoftTokenError);
      const e = err as MicrosoftTokenError;
      expect(e.code).to.equal(code);
      expect(e.status).to.equal(status);
      expect(e.errorCodes).to.deep.equal([90033]);
      expect(e.traceId).to.be.a('string').and.not.equal('');
      expect(e.message).to.contain('AADSTS90033');
    },
  };
}

function graphError(code: string, status: number, retryAfter: number | undefined): Expectation {
  return {
    kind: 'error',
    check: (err) => {
      expect(err).to.be.instanceOf(MicrosoftGraphError);
      const e = err as MicrosoftGraphError;
      expect(e.code).to.equal(code);
      expect(e.status).to.equal(status);
      expect(e.retryAfter).to.equal(retryAfter);
      expect(e.requestId).to.be.a('string').and.not.equal('');
      expect(e.message).to.contain(`HTTP ${status} ${code}`);
    },
  };
}

function jwksUnavailable(detail: RegExp): Expectation {
  return {
    kind: 'error',
    check: (err) => {
      expect(err).to.be.instanceOf(MicrosoftIdTokenError);
      const e = err as MicrosoftIdTokenError;
      expect(e.code).to.equal('jwks_unavailable');
      expect(e.message).to.match(
        /could not load signing keys from http:\/\/127\.0\.0\.1:\d+\/common\/discovery\/v2\.0\/keys|signing keys from .* are not a JWKS/,
      );
      expect(e.message).to.match(detail);
    },
  };
}

/** Every route x every fault: the Record types make the compiler refuse a missing case. */
const MATRIX: Record<Route, Record<FaultName, Expectation>> = {
  token: {
    refused: httpError('connection_refused', ['token']),
    hang: httpError('timeout', ['token']),
    '429': tokenError('temporarily_unavailable', 429),
    '500': tokenError('server_error', 500),
    '503': tokenError('temporarily_unavailable', 503),
    truncated: httpError('connection_reset', ['token']),
    html: httpError('invalid_response', ['token']),
    huge: httpError('body_too_large', ['token']),
    reset: httpError('connection_reset', ['token']),
  },
  'graph.me': {
    refused: httpError('connection_refused', ['graph']),
    hang: httpError('timeout', ['graph']),
    '429': graphError('TooManyRequests', 429, RETRY_AFTER),
    '500': graphError('generalException', 500, undefined),
    '503': graphError('serviceNotAvailable', 503, RETRY_AFTER),
    truncated: httpError('connection_reset', ['graph']),
    html: {
      kind: 'error',
      check: (err) => {
        expect(err).to.be.instanceOf(MicrosoftProfileError);
        expect((err as MicrosoftProfileError).code).to.equal('not_json');
        expect((err as MicrosoftProfileError).message).to.contain('not JSON');
      },
    },
    huge: httpError('body_too_large', ['graph']),
    reset: httpError('connection_reset', ['graph']),
  },
  'graph.photo': {
    // One Graph host serves /me and the photo: refusing it refuses whichever call comes first.
    refused: httpError('connection_refused', ['graph', 'photo']),
    hang: httpError('timeout', ['photo']),
    '429': graphError('TooManyRequests', 429, RETRY_AFTER),
    '500': graphError('generalException', 500, undefined),
    '503': graphError('serviceNotAvailable', 503, RETRY_AFTER),
    truncated: httpError('connection_reset', ['photo']),
    // Documented: a photo that is not an image or is larger than 100 kB is left out.
    html: { kind: 'success-without-photo' },
    huge: { kind: 'success-without-photo' },
    reset: httpError('connection_reset', ['photo']),
  },
  jwks: {
    refused: jwksUnavailable(/connection refused/),
    hang: jwksUnavailable(/no complete response within 500 ms/),
    '429': jwksUnavailable(/HTTP 429/),
    '500': jwksUnavailable(/HTTP 500/),
    '503': jwksUnavailable(/HTTP 503/),
    truncated: jwksUnavailable(/connection reset/),
    html: jwksUnavailable(/not a JWKS/),
    huge: jwksUnavailable(/exceeds 524288 bytes/),
    reset: jwksUnavailable(/connection reset/),
  },
};

describe('robustness: fault matrix (token, Graph /me, photo, JWKS)', function () {
  this.timeout(30_000);
  timeSuite();
  let emulator: Emulator;
  let tracker: SocketTracker;
  let refusedURL: string;
  let unhandled = 0;
  const onUnhandled = (): void => {
    unhandled += 1;
  };

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    emulator = await startEmulator({ clients: [appClient(['healthy', 'faulty'])] });
    tracker = new SocketTracker(Number(new URL(emulator.url).port));
    refusedURL = await closedPortURL();
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    tracker.dispose();
    await emulator.close();
  });

  function healthyOptions(photo: boolean): MountedStrategy['options'] {
    return {
      clientID: DEFAULT_CLIENT.clientID,
      clientSecret: DEFAULT_CLIENT.clientSecret,
      authority: emulator.authority('common'),
      graphBaseURL: emulator.graphBaseURL,
      timeout: TIMEOUT,
      photo,
    };
  }

  /** The strategy options that make `route` refuse connections. */
  function refusedOptions(route: Route): MountedStrategy['options'] {
    const base = healthyOptions(route === 'graph.photo');
    switch (route) {
      case 'token':
        return { ...base, tokenURL: `${refusedURL}/common/oauth2/v2.0/token` };
      case 'graph.me':
      case 'graph.photo':
        return { ...base, graphBaseURL: `${refusedURL}/v1.0` };
      case 'jwks': {
        // The JWKS URL follows the authority; the login endpoints stay on the emulator.
        const { authority: _authority, ...rest } = base;
        return {
          ...rest,
          authority: `${refusedURL}/common`,
          authorizationURL: `${emulator.authority('common')}/oauth2/v2.0/authorize`,
          tokenURL: `${emulator.authority('common')}/oauth2/v2.0/token`,
        };
      }
    }
  }

  it('the socket check sees a request left hanging, and not an idle keep-alive socket', async () => {
    const agent = new http.Agent({ keepAlive: true });
    const fetchMe = (): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = http.get(`${emulator.graphBaseURL}/me`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
      });
    try {
      expect(await fetchMe()).to.equal(401);
      expect(await eventually(() => tracker.busy().length === 0)).to.equal(true);
      expect(tracker.open().length).to.be.above(0);
      emulator.setFault('graph.me', { type: 'hang' }, { times: 1 });
      const stuck = fetchMe().catch(() => 0);
      expect(await eventually(() => tracker.busy().length === 1)).to.equal(true);
      agent.destroy();
      await stuck;
      expect(await eventually(() => tracker.busy().length === 0)).to.equal(true);
    } finally {
      emulator.clearFaults();
      agent.destroy();
    }
  });

  const routes = Object.keys(MATRIX) as Route[];
  for (const route of routes) {
    for (const [faultName, expectation] of Object.entries(MATRIX[route]) as Array<
      [FaultName, Expectation]
    >) {
      const title =
        expectation.kind === 'error'
          ? `${route} ${faultName}: a typed error through Passport's error action, then a normal login`
          : `${route} ${faultName}: the login succeeds without the photo (documented), then a normal login`;
      it(title, async () => {
        const photo = route === 'graph.photo';
        const strategies: MountedStrategy[] = [{ name: 'healthy', options: healthyOptions(photo) }];
        if (faultName === 'refused')
          strategies.push({ name: 'faulty', options: refusedOptions(route) });
        // A fresh app and strategy per case: a cold key cache, so the JWKS is fetched on each first login.
        const app: TestApp = await startApp(strategies);
        const unhandledBefore = unhandled;
        try {
          if (faultName !== 'refused') emulator.setFault(route, FAULTS[faultName], { times: 1 });
          const faultyName = faultName === 'refused' ? 'faulty' : 'healthy';
          // 'work' has a Graph photo.
          const outcome = await login(app.url, faultyName, 'work');
          expect(
            outcome.callbackMs,
            `the faulted login took ${Math.round(outcome.callbackMs)} ms; the timeout is ${TIMEOUT} ms`,
          ).to.be.below(TIMEOUT + SLACK);
          if (expectation.kind === 'error') {
            expect(outcome.status).to.equal(500);
            expect(outcome.user).to.equal(null);
            expect(app.errors).to.have.length(1);
            const recorded = app.errors[0];
            expect(recorded?.path).to.equal(`/login/${faultyName}/callback`);
            expectation.check(recorded?.error);
            const message = (recorded?.error as Error).message;
            expect(message).to.not.contain(DEFAULT_CLIENT.clientSecret);
          } else {
            expect(outcome.status).to.equal(200);
            expect(outcome.user?.id).to.equal('87d349ed-44d7-43e1-9a83-5f2406dee5bd');
            expect(outcome.user?.photos).to.equal(0);
            expect(app.errors).to.have.length(0);
          }
          emulator.clearFaults();

          const next = await login(app.url, 'healthy', 'work');
          expect(next.status).to.equal(200);
          expect(next.user?.id).to.equal('87d349ed-44d7-43e1-9a83-5f2406dee5bd');
          if (photo) expect(next.user?.photos).to.equal(1);

          // Every socket to Microsoft is closed or idle in a keep-alive pool; none is stuck.
          const settled = await eventually(() => tracker.busy().length === 0, 1000);
          expect(
            settled,
            `${tracker.busy().length} socket(s) to the emulator still in use`,
          ).to.equal(true);
          expect(unhandled - unhandledBefore, 'unhandled rejections').to.equal(0);
        } finally {
          emulator.clearFaults();
          await app.close();
        }
      });
    }
  }

  it('ignores a missing photo (Graph 404) as documented', async () => {
    const app = await startApp([{ name: 'healthy', options: healthyOptions(true) }]);
    try {
      emulator.setFault('graph.photo', { type: 'status', status: 404 }, { times: 1 });
      const outcome = await login(app.url, 'healthy', 'work');
      expect(outcome.status).to.equal(200);
      expect(outcome.user?.photos).to.equal(0);
      expect(app.errors).to.have.length(0);
    } finally {
      emulator.clearFaults();
      await app.close();
    }
  });

  it('left 0 unhandled rejections and 0 sockets in use across the whole matrix', async () => {
    expect(tracker.seen(), 'sockets to the emulator observed').to.be.above(36);
    expect(unhandled).to.equal(0);
    expect(await eventually(() => tracker.busy().length === 0, 1000)).to.equal(true);
  });
});
