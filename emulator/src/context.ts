/**
 * Shared state of a running emulator, as seen by the route handlers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyStore } from './signing-keys.js';
import type { TenantPath } from './tenants.js';
import type {
  EmulatorClient,
  EmulatorTenant,
  EmulatorTokenAnswer,
  EmulatorUser,
} from './emulator-types.js';

/** A validated authorization request waiting for the user on the sign-in page. */
export interface AuthorizeRequest {
  tenant: TenantPath;
  client: EmulatorClient;
  redirectUri: string;
  responseMode: 'query' | 'form_post' | 'fragment';
  scopes: string[];
  state: string | undefined;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: 'S256' | 'plain' | undefined;
  prompt: string | undefined;
  loginHint: string | undefined;
  domainHint: string | undefined;
}

/** An issued authorization code. */
export interface CodeGrant {
  clientID: string;
  redirectUri: string;
  tenant: TenantPath;
  userKey: string;
  scopes: string[];
  nonce: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: 'S256' | 'plain' | undefined;
  expiresAt: number;
  redeemed: boolean;
}

/** An issued access or refresh token. */
export interface TokenGrant {
  clientID: string;
  userKey: string;
  scopes: string[];
  tenant: TenantPath;
  expiresAt: number;
}

/** A device code issued by `/devicecode`, waiting for the user on the verification page. */
export interface DeviceGrant {
  clientID: string;
  /** The code the user types on the verification page. */
  userCode: string;
  tenant: TenantPath;
  scopes: string[];
  expiresAt: number;
  /** `pending` until the user picks an account (`approved`) or cancels (`declined`). */
  status: 'pending' | 'approved' | 'declined' | 'redeemed';
  userKey: string | undefined;
}

/** Everything route handlers need. */
export interface Core {
  /** Emulator URL (no trailing slash). */
  readonly url: string;
  readonly clients: readonly EmulatorClient[];
  readonly users: readonly EmulatorUser[];
  /** Work tenants added besides those of the users. */
  readonly tenants: readonly EmulatorTenant[];
  /** Whether every GUID is a work tenant. */
  readonly anyTenantId: boolean;
  readonly keys: KeyStore;
  readonly codeLifetimeSeconds: number;
  /** Lifetime of the access token being issued (the last one drawn). */
  readonly accessTokenLifetimeSeconds: number;
  /**
   * Draws the lifetime of the next access token (60 to 90 minutes, or the fixed
   * `accessTokenLifetimeSeconds` option) and makes it {@link Core.accessTokenLifetimeSeconds}.
   */
  drawAccessTokenLifetime(): number;
  /** Pending sign-in transactions by id. */
  readonly transactions: Map<string, { request: AuthorizeRequest; expiresAt: number }>;
  readonly codes: Map<string, CodeGrant>;
  readonly accessTokens: Map<string, TokenGrant>;
  readonly refreshTokens: Map<string, TokenGrant>;
  /** Device codes by `device_code`. */
  readonly deviceCodes: Map<string, DeviceGrant>;
  /** Token endpoint answers registered by code or refresh token. */
  readonly tokenAnswers: Map<string, EmulatorTokenAnswer>;
  /** The issuer of tokens for tenant `tid`: `${url}/${tid}/v2.0`. */
  issuer(tid: string): string;
  /** Current time in milliseconds (`Date.now()`, so fake timers apply). */
  now(): number;
}

/** One request being handled. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Decoded path segments (no empty segments). */
  segments: string[];
  /** The request body (UTF-8), read before routing. */
  body: string;
}
