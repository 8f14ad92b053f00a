/**
 * passport-oauth2-refresh's callback API as a promise. Its types are declared in
 * test/ecosystem/passport-oauth2-refresh.d.ts (the package ships none).
 */
import type refresh from 'passport-oauth2-refresh';

/** A passport-oauth2-refresh registry: the default export or a `new AuthTokenRefresh()`. */
export type RefreshRegistry = InstanceType<typeof refresh.AuthTokenRefresh>;

/** What `requestNewAccessToken` called back with. */
export interface RefreshResult {
  err: unknown;
  accessToken: string | undefined;
  refreshToken: string | undefined;
  results: Record<string, unknown> | undefined;
}

/** Calls `registry.requestNewAccessToken(name, refreshToken, ...)` and resolves with its callback arguments (an error included). */
export function requestNewAccessToken(
  registry: RefreshRegistry,
  name: string,
  refreshToken: string,
): Promise<RefreshResult> {
  return new Promise((resolve) => {
    registry.requestNewAccessToken(
      name,
      refreshToken,
      (err, accessToken, newRefreshToken, results) => {
        resolve({ err, accessToken, refreshToken: newRefreshToken, results });
      },
    );
  });
}
