/**
 * A form_post login with the cookie state store in headless Chromium, with no session middleware:
 * the app (http://localhost:<port>) keeps the pending login in an encrypted cookie set with
 * SameSite=None; Secure, Microsoft (the emulator on 127.0.0.1, another site) posts the result back,
 * and the browser must send the cookie with that cross-site POST for the login to succeed.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import passport from 'passport';
import type { Browser } from 'playwright-core';
import { DEFAULT_CLIENT, startEmulator } from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import { CookieStateStore } from '../../lib/state/cookie-state-store.js';
import { Strategy } from '../../lib/passport/strategy.js';
import { launchChromium, requireChromium } from '../helpers/chromium.js';

const SECRET = 'a-cookie-secret-of-at-least-32-characters!';

describe('browser: form_post login with the cookie state store and no session', function () {
  this.timeout(40_000);
  let emulator: Emulator | undefined;
  let server: Server | undefined;
  let browser: Browser | undefined;

  before(async function () {
    requireChromium(this);
    emulator = await startEmulator();
    const app = express();
    const pp = new passport.Passport();
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://localhost:${(server.address() as AddressInfo).port}`;
    pp.use(
      new Strategy(
        {
          clientID: DEFAULT_CLIENT.clientID,
          clientSecret: DEFAULT_CLIENT.clientSecret,
          callbackURL: `${base}/login/callback`,
          authority: emulator.authority('common'),
          graphBaseURL: emulator.graphBaseURL,
          store: new CookieStateStore({ secret: SECRET, formPost: true }),
        },
        (_at, _rt, profile, done) => done(null, { name: profile.displayName }),
      ),
    );
    app.use(pp.initialize());
    app.get('/login', pp.authenticate('microsoft', { session: false, responseMode: 'form_post' }));
    app.post(
      '/login/callback',
      express.urlencoded({ extended: false }),
      pp.authenticate('microsoft', { session: false, failureRedirect: '/failed' }),
      (req, res) => {
        res.type('text').send(`signed in: ${(req.user as { name: string }).name}`);
      },
    );
    app.get('/failed', (_req, res) => res.status(403).type('text').send('sign-in failed'));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await emulator?.close();
  });

  it('signs in: the pending-login cookie comes back with Microsoft’s cross-site POST and is cleared', async () => {
    const port = (server?.address() as AddressInfo).port;
    const context = await (browser as Browser).newContext();
    try {
      const page = await context.newPage();
      await page.goto(`http://localhost:${port}/login`);
      const pending = (await context.cookies(`http://localhost:${port}`)).filter((c) =>
        c.name.startsWith('mslogin.'),
      );
      expect(pending, 'one pending-login cookie after GET /login').to.have.length(1);
      expect(pending[0]).to.include({ sameSite: 'None', secure: true, httpOnly: true });
      expect(new URL(page.url()).host, 'on the emulator sign-in page').to.equal(
        new URL(emulator?.url ?? '').host,
      );
      await Promise.all([
        page.waitForURL(`http://localhost:${port}/login/callback`),
        page.click('li[data-account="work"] button'),
      ]);
      expect(await page.textContent('body')).to.equal('signed in: Adele Vance');
      const left = (await context.cookies(`http://localhost:${port}`)).filter((c) =>
        c.name.startsWith('mslogin.'),
      );
      expect(left, 'the used pending-login cookie is cleared').to.have.length(0);
    } finally {
      await context.close();
    }
  });
});
