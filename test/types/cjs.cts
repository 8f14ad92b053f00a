// Type-level tests of the published CommonJS types: `require()` returns the Strategy class itself.
import Strategy = require('passport-microsoft-account');
import type { MicrosoftProfile } from 'passport-microsoft-account';
import emulator = require('microsoft-identity-emulator');

const s: Strategy = new Strategy.Strategy(
  { clientID: 'id', clientSecret: 'secret', callbackURL: '/cb' },
  (_a, _r, profile: MicrosoftProfile, done) => done(null, profile),
);
void s;
const err = new Strategy.MicrosoftTokenError({ error: 'invalid_grant', error_codes: [54005] }, 400);
const code: string = err.code;
void code;
const start: typeof emulator.startEmulator = emulator.startEmulator;
void start;

// The CommonJS export carries the same helpers and constants as the ES module entry.
const personal: string = Strategy.CONSUMER_TENANT_ID;
const scopes: readonly string[] = Strategy.DEFAULT_SCOPE;
const graphHost: string = Strategy.CLOUDS.global.graph;
const aadsts: number | undefined = Strategy.parseAadsts('AADSTS50011: x').aadsts;
void [personal, scopes, graphHost, aadsts];

// The cookie state store is on the CommonJS export too, and plugs into the store option.
const cookieStore = new Strategy.CookieStateStore({ secret: 'x'.repeat(32), formPost: true });
const withCookies: Strategy = new Strategy(
  { clientID: 'id', clientSecret: 'secret', callbackURL: '/cb', store: cookieStore },
  (_a, _r, profile: MicrosoftProfile, done) => done(null, profile),
);
void withCookies;
