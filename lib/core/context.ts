/**
 * What the steps of a sign-in share: the resolved configuration and its collaborators (token
 * endpoint client, Graph client, signing keys, ID-token verifier, login endpoints), each the real
 * one for the configuration unless a dependency replaces it.
 */
import { DiscoveryCache, fetchDiscovery } from '../clients/discovery.js';
import { GraphClient } from '../clients/graph.js';
import type { GraphEndpointClient } from '../clients/graph.js';
import { TokenClient } from '../clients/token.js';
import type { TokenEndpointClient } from '../clients/token.js';
import { IdTokenVerifier } from '../tokens/id-token.js';
import { JwksCache } from '../tokens/jwks.js';
import { LoginEndpoints } from './login-endpoints.js';
import type { ExplicitEndpoints } from './login-endpoints.js';
import type { ResolvedConfig } from './settings.js';
import type { SignInDependencies, SigningKeySource } from './sign-in-types.js';

/** The configuration of one application and the clients its logins use. */
export interface SignInContext {
  readonly config: Readonly<ResolvedConfig>;
  readonly endpoints: LoginEndpoints;
  readonly tokens: TokenEndpointClient;
  readonly graph: GraphEndpointClient;
  readonly keys: SigningKeySource;
  readonly idTokens: IdTokenVerifier;
  /** Clock in ms since the epoch. */
  readonly now: () => number;
}

/** Builds the collaborators of a resolved configuration. */
export function createContext(
  config: Readonly<ResolvedConfig>,
  explicit: ExplicitEndpoints,
  dependencies: SignInDependencies,
): SignInContext {
  const { authorityKind } = config;
  const discovery =
    authorityKind === 'workforce'
      ? undefined
      : new DiscoveryCache(() =>
          fetchDiscovery(
            {
              kind: authorityKind,
              authority: config.authority,
              tenant: config.tenant,
              url: config.discoveryURL,
            },
            config.timeout,
          ),
        );
  const tokens =
    dependencies.tokenClient ??
    new TokenClient({
      tokenURL: config.tokenURL,
      clientID: config.clientID,
      credential: config.credential,
      timeout: config.timeout,
      customHeaders: config.customHeaders,
      tokenAuthMethod: config.tokenAuthMethod,
      parseError: dependencies.parseTokenError,
    });
  const graph =
    dependencies.graphClient ??
    new GraphClient({ baseURL: config.graphBaseURL, timeout: config.timeout });
  const jwks = (url: string): JwksCache =>
    new JwksCache({
      url,
      timeout: config.timeout,
      maxAgeMs: config.jwksMaxAge * 1000,
      ...(dependencies.clock ? { now: dependencies.clock } : {}),
    });
  const keys =
    dependencies.signingKeys ?? (discovery ? lazyKeys(discovery, jwks) : jwks(config.jwksURL));
  const idTokens = new IdTokenVerifier({
    clientID: config.clientID,
    tenantKind: config.tenantKind,
    tenant: config.tenant,
    issuerBase: config.issuerBase,
    clockTolerance: config.clockTolerance,
    jwks: keys,
    discovery: { url: config.discoveryURL, timeout: config.timeout },
    ...(discovery ? { issuer: async () => (await discovery.get()).issuer } : {}),
    ...(dependencies.clock ? { now: dependencies.clock } : {}),
  });
  return {
    config,
    endpoints: new LoginEndpoints(config, discovery, explicit),
    tokens,
    graph,
    keys,
    idTokens,
    now: dependencies.clock ?? Date.now,
  };
}

/** Signing keys of a discovered authority: the key set is created once `jwks_uri` is known. */
function lazyKeys(
  discovery: DiscoveryCache,
  create: (url: string) => JwksCache,
): SigningKeySource & { readonly fetchCount: number } {
  let cache: JwksCache | undefined;
  return {
    get fetchCount() {
      return cache?.fetchCount ?? 0;
    },
    async get(kid) {
      const { jwksURL } = await discovery.get();
      cache ??= create(jwksURL);
      return cache.get(kid);
    },
  };
}
