/**
 * The part of passport-oauth2-refresh (CommonJS, no bundled types) that the ecosystem tests use.
 * Declared structurally: @types/passport-oauth2-refresh types `use()` with passport-oauth2's class,
 * whose `protected _oauth2` member no independently typed strategy can satisfy.
 */
declare module 'passport-oauth2-refresh' {
  /** node-oauth's token callback: `(err, accessToken, refreshToken, results)`. */
  type TokenCallback = (
    err: unknown,
    accessToken?: string,
    refreshToken?: string,
    results?: Record<string, unknown>,
  ) => void;

  /** A registry of strategies that can refresh tokens. */
  class AuthTokenRefresh {
    use(strategy: { name: string }): void;
    use(name: string, strategy: object): void;
    has(name: string): boolean;
    requestNewAccessToken(name: string, refreshToken: string, done: TokenCallback): void;
    requestNewAccessToken(
      name: string,
      refreshToken: string,
      params: Record<string, string>,
      done: TokenCallback,
    ): void;
  }

  const refresh: AuthTokenRefresh & { AuthTokenRefresh: typeof AuthTokenRefresh };
  export = refresh;
}
