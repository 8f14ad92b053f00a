// Type-level tests of the published CommonJS types: `require()` returns the Strategy class itself.
import Strategy = require('passport-microsoft-account');
import type { MicrosoftProfile } from 'passport-microsoft-account';
import emulator = require('passport-microsoft-account/emulator');

const s: Strategy = new Strategy.Strategy({ clientID: 'id', clientSecret: 'secret', callbackURL: '/cb' }, (_a, _r, profile: MicrosoftProfile, done) => done(null, profile));
void s;
const err = new Strategy.MicrosoftTokenError({ error: 'invalid_grant', error_codes: [54005] }, 400);
const code: string = err.code;
void code;
const start: typeof emulator.startEmulator = emulator.startEmulator;
void start;
