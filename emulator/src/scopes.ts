/**
 * Scope handling: what the token endpoint reports as granted, and what Graph accepts.
 */

const OIDC = new Set(['openid', 'profile', 'email', 'offline_access']);
const GRAPH_PREFIXES = ['https://graph.microsoft.com/', '00000003-0000-0000-c000-000000000000/'];

/**
 * Granted scopes, in request order: OIDC scopes lower-cased, Graph scopes by short name (`User.Read`,
 * `.default` → `User.Read`), other resources' scopes unchanged. With no resource scope at all, Microsoft
 * issues a Graph token with `User.Read`, so it is added.
 */
export function grantedScopes(requested: readonly string[]): string[] {
  const out: string[] = [];
  const add = (s: string): void => {
    if (!out.some((o) => o.toLowerCase() === s.toLowerCase())) out.push(s);
  };
  let resource = false;
  for (const raw of requested) {
    const lower = raw.toLowerCase();
    if (OIDC.has(lower)) {
      add(lower);
      continue;
    }
    resource = true;
    const prefix = GRAPH_PREFIXES.find((p) => lower.startsWith(p));
    const short = prefix ? raw.slice(prefix.length) : raw;
    add(short === '.default' ? 'User.Read' : short);
  }
  if (!resource) out.unshift('User.Read');
  return out;
}

/** Whether granted scopes let the token read `/me` (any `User.Read*`/`User.ReadWrite*`/`Directory.Read*` scope). */
export function canReadMe(scopes: readonly string[]): boolean {
  return scopes.some((s) =>
    /^(user\.read|user\.readwrite|user\.readbasic|directory\.read)/i.test(s),
  );
}

/** Whether `scopes` contains `name` (case-insensitive). */
export function hasScope(scopes: readonly string[], name: string): boolean {
  return scopes.some((s) => s.toLowerCase() === name);
}
