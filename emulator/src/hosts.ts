/**
 * The names the emulator answers as: its listening address, loopback names, the public origin and
 * the allowed hosts; requests naming anything else get 421 (DNS rebinding).
 */

/** True for `localhost`, `::1`, `[::1]` and addresses in 127.0.0.0/8. */
export function isLoopbackAddress(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || h === '[::1]' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** `publicOrigin` without a trailing slash; a TypeError when it is not an http(s) origin. */
export function checkedPublicOrigin(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (
    url === undefined ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== ''
  )
    throw new TypeError(
      `emulator publicOrigin '${value}' is not an http(s) origin (scheme, host and port only, e.g. https://login.example.test)`,
    );
  return url.origin;
}

/** An allowed host lower-cased; a TypeError unless it is `name` or `name:port`. */
export function checkedAllowedHost(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(`http://${value}`);
  } catch {
    url = undefined;
  }
  const lower = value.toLowerCase();
  if (url === undefined || (url.host !== lower && `${url.host}:80` !== lower))
    throw new TypeError(
      `emulator allowedHosts entry '${value}' is not a host name, with or without ':port' (e.g. 'emulator' or 'emulator:4010')`,
    );
  return lower;
}

/** The host name of a Host header value (brackets kept for IPv6), or `undefined`. */
function hostnameOf(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
}

/** Decides which Host headers a running emulator answers. */
export class HostCheck {
  private readonly exact = new Set<string>();
  private readonly anyPort = new Set<string>();
  private readonly wildcard: boolean;
  private readonly publicHost: string;
  private readonly publicWithPort: string;

  constructor(listenURL: string, publicOrigin: string, allowedHosts: readonly string[]) {
    const bound = new URL(listenURL);
    this.wildcard = bound.hostname === '0.0.0.0' || bound.hostname === '[::]';
    this.exact.add(bound.host);
    if (isLoopbackAddress(bound.hostname))
      for (const name of ['localhost', '127.0.0.1', '[::1]'])
        this.exact.add(`${name}:${bound.port}`);
    const pub = new URL(publicOrigin);
    this.publicHost = pub.host;
    this.publicWithPort =
      pub.port === '' ? `${pub.host}:${pub.protocol === 'https:' ? 443 : 80}` : pub.host;
    this.exact.add(pub.host);
    // Some clients write the default port out.
    this.exact.add(this.publicWithPort);
    for (const allowed of allowedHosts) {
      if (hostnameOf(allowed) === allowed) this.anyPort.add(allowed);
      else this.exact.add(allowed);
    }
  }

  /** The hosts clients may name (the public one first): instance discovery's aliases. */
  aliases(): string[] {
    return [
      this.publicHost,
      ...[...this.exact].filter((h) => h !== this.publicHost && h !== this.publicWithPort),
    ];
  }

  /** The names listed in the 421 answer. */
  names(): string[] {
    return [...this.exact, ...this.anyPort];
  }

  /** Whether a request with this Host header is answered. */
  allows(header: string | undefined): boolean {
    if (this.wildcard) return true;
    if (header === undefined) return false;
    const host = header.toLowerCase();
    if (this.exact.has(host)) return true;
    const name = hostnameOf(host);
    return name !== undefined && this.anyPort.has(name);
  }
}
