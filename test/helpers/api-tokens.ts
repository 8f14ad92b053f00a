/**
 * Access tokens for an API from the emulator, obtained as clients obtain them: a user token
 * through the library's own code flow (MicrosoftSignIn, the work demo user), an app-only token
 * through client credentials with a secret or a certificate.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_CLIENT, completeLogin } from 'microsoft-identity-emulator';
import { resolveCredential } from '../../lib/clients/client-credentials.js';
import type { CredentialOptions } from '../../lib/clients/client-credentials.js';
import { TokenClient } from '../../lib/clients/token.js';
import { MicrosoftSignIn } from '../../lib/core/sign-in.js';
import type { TokenResponseParams } from '../../lib/types.js';

/** A credential file of test/fixtures/credentials. */
export const credentialFixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/credentials/${name}`, `file://${__filename}`), 'utf8');

const CALLBACK = 'http://127.0.0.1/login/callback';

/** Signs the work user in to the emulator's default client for `scope`; the token response and the core. */
export async function userTokens(
  authority: string,
  scope: readonly string[],
): Promise<{ tokens: TokenResponseParams; signIn: MicrosoftSignIn }> {
  const signIn = new MicrosoftSignIn({
    clientID: DEFAULT_CLIENT.clientID,
    clientSecret: DEFAULT_CLIENT.clientSecret,
    callbackURL: CALLBACK,
    authority,
    scope: ['openid', 'profile', 'offline_access', ...scope],
    profileSource: 'id_token',
  });
  const { url, pendingLogin } = await signIn.authorizationRequest();
  const answer = await completeLogin(url, 'work');
  if (answer.kind !== 'redirect') throw new Error(`expected a redirect, got ${answer.kind}`);
  const { tokens } = await signIn.callback(new URL(answer.location).searchParams, pendingLogin);
  return { tokens, signIn };
}

/** An app-only token for `resource` from client credentials (`<resource>/.default`). */
export async function appTokens(
  authority: string,
  resource: string,
  credential: CredentialOptions,
): Promise<TokenResponseParams> {
  const client = new TokenClient({
    tokenURL: `${authority}/oauth2/v2.0/token`,
    clientID: credential.clientID,
    credential: resolveCredential(credential),
    timeout: 10_000,
  });
  return client.request({ grant_type: 'client_credentials', scope: `${resource}/.default` });
}
