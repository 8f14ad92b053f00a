// Type-level tests of the published ES module types (resolved through the package's own exports map,
// so they check dist/*.d.mts as users see it). Lines marked @ts-expect-error must NOT compile.
import passport from 'passport';
import type { Request } from 'express';
import Strategy, {
  CookieStateStore,
  MicrosoftGraphError,
  MicrosoftIdTokenError,
  MicrosoftTokenError,
  Strategy as NamedStrategy,
} from 'passport-microsoft-account';
import type {
  CookieStateStoreOptions,
  IdTokenErrorCode,
  MicrosoftProfile,
  TokenResponseParams,
  TokenSet,
  VerifyCallback,
} from 'passport-microsoft-account';

const base = { clientID: 'id', clientSecret: 'secret', callbackURL: '/login/callback' };

// The default export and the named export are the same class.
const same: typeof NamedStrategy = Strategy;
void same;

// A 4-argument verify gets a typed profile.
const strategy = new Strategy(base, (accessToken, refreshToken, profile, done) => {
  const email: string | undefined = profile.emails?.[0]?.value;
  const verified: boolean | undefined = profile.emails?.[0]?.verified;
  const kind: 'personal' | 'work' | 'customer' | undefined = profile.accountType;
  const tenant: string | undefined = profile.tenantId;
  const at: string = accessToken;
  const rt: string | undefined = refreshToken;
  void [email, verified, kind, tenant, at, rt];
  done(null, { id: profile.id });
});
passport.use(strategy);

// A 5-argument verify receives the token response (annotate it: TypeScript types an unannotated
// callback from the first overload, the 4-argument one).
new Strategy(
  base,
  (
    _accessToken: string,
    _refreshToken: string | undefined,
    params: TokenResponseParams,
    profile: MicrosoftProfile,
    done: VerifyCallback,
  ) => {
    const idToken: string | undefined = params.id_token;
    void idToken;
    done(null, profile);
  },
);

// passReqToCallback: true gives the request first, and a framework request type is accepted.
new Strategy(
  { ...base, passReqToCallback: true },
  (
    req: Request,
    _at: string,
    _rt: string | undefined,
    profile: MicrosoftProfile,
    done: VerifyCallback,
  ) => {
    void req.headers;
    done(null, profile);
  },
);

// prettier-ignore
// @ts-expect-error a verify without `req` does not fit passReqToCallback: true
new Strategy({ ...base, passReqToCallback: true }, (_at: string, _rt: string | undefined, profile: MicrosoftProfile, done: VerifyCallback) => done(null, profile));

// @ts-expect-error unknown option (typo of `tenant`)
new Strategy({ ...base, tennant: 'common' }, (_a, _r, p, done) => done(null, p));

// @ts-expect-error cloud names are a fixed set
new Strategy({ ...base, cloud: 'germany' }, (_a, _r, p, done) => done(null, p));

// @ts-expect-error profileSource is 'graph' or 'id_token'
new Strategy({ ...base, profileSource: 'userinfo' }, (_a, _r, p, done) => done(null, p));

// Per-request options are typed through the passport augmentation.
passport.authenticate('microsoft', {
  prompt: 'select_account',
  domainHint: 'consumers',
  responseMode: 'form_post',
  failureRedirect: '/',
});
// @ts-expect-error typo in a per-request option
passport.authenticate('microsoft', { loginHnt: 'someone@example.com' });
// @ts-expect-error responseMode is query or form_post
passport.authenticate('microsoft', { responseMode: 'fragment' });

// Error codes are unions that narrow in a switch.
function describeIdTokenError(err: MicrosoftIdTokenError): string {
  switch (err.code) {
    case 'expired':
      return 'sign in again';
    case 'nonce':
      return 'replayed';
    // @ts-expect-error not an MicrosoftIdTokenError code
    case 'expird':
      return 'typo';
    default: {
      const rest: IdTokenErrorCode = err.code;
      return rest;
    }
  }
}
void describeIdTokenError;

function handle(err: unknown): number | undefined {
  if (err instanceof MicrosoftTokenError) return err.errorCodes[0];
  if (err instanceof MicrosoftGraphError) return err.retryAfter;
  return undefined;
}
void handle;

async function refresh(): Promise<string | undefined> {
  const set: TokenSet = await strategy.refresh('refresh-token');
  const url: string = strategy.logoutUrl({ postLogoutRedirectUri: 'https://app.example.com/' });
  void url;
  return set.claims?.oid;
}
void refresh;

// A verify held in a variable of the union type is accepted too.
declare const storedVerify: import('passport-microsoft-account').VerifyFunction;
new Strategy(base, storedVerify);

// The cookie state store: a named export whose options are typed.
const cookieOptions: CookieStateStoreOptions = { secret: ['a'.repeat(32), 'b'.repeat(32)] };
new Strategy({ ...base, store: new CookieStateStore(cookieOptions) }, storedVerify);
// @ts-expect-error a SameSite=Strict cookie never comes back with Microsoft's callback
new CookieStateStore({ secret: 'a'.repeat(32), sameSite: 'strict' });
// @ts-expect-error the secret is required
new CookieStateStore({});

// Client credentials: a certificate or a federated assertion instead of a secret.
const credentialBase = { clientID: 'id', callbackURL: '/login/callback' };
new Strategy(
  { ...credentialBase, clientCertificate: { privateKey: 'pem', thumbprintSha256: 'ab' } },
  storedVerify,
);
new Strategy(
  {
    ...credentialBase,
    clientAssertion: () => Promise.resolve({ assertion: 'jwt', expiresAt: new Date() }),
  },
  storedVerify,
);
// @ts-expect-error clientAssertion is a function, not the assertion itself
new Strategy({ ...credentialBase, clientAssertion: 'jwt' }, storedVerify);
const es256 = { privateKey: 'pem', thumbprintSha256: 'ab', algorithm: 'ES256' } as const;
// @ts-expect-error the certificate's algorithm is RS256 or PS256
new Strategy({ ...credentialBase, clientCertificate: es256 }, storedVerify);
// A customer identity authority with a B2C policy.
new Strategy(
  { ...base, authority: 'https://login.fabrikam.com/fab.onmicrosoft.com', policy: 'B2C_1_signin' },
  storedVerify,
);
