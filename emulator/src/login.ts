/**
 * `completeLogin`: drives the emulator's sign-in page over HTTP, without a browser.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CompleteLoginResult } from './emulator-types.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Options of {@link completeLogin}. */
export interface CompleteLoginOptions {
  /**
   * Certificates (PEM) to trust for an `https` emulator, e.g. `emulator.caCertificate`; default:
   * Node.js's trusted certificates (with `NODE_EXTRA_CA_CERTS`).
   */
  ca?: string | string[] | undefined;
}

function send(
  url: URL,
  method: 'GET' | 'POST',
  body: string | undefined,
  options: CompleteLoginOptions,
): Promise<RawResponse> {
  const requester = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { Accept: 'text/html' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    // agent: false => one connection per request, closed afterwards (no sockets left behind).
    const tls = options.ca === undefined ? {} : { ca: options.ca };
    const req = requester(url, { method, headers, agent: false, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#39': "'",
  apos: "'",
};

/** Decodes the HTML entities the emulator's pages use. */
export function decodeHtml(value: string): string {
  return value.replace(
    /&(amp|lt|gt|quot|#39|apos|#(\d+)|#x([0-9a-f]+));/gi,
    (all: string, name: string, dec?: string, hex?: string) => {
      if (dec !== undefined) return String.fromCodePoint(Number(dec));
      if (hex !== undefined) return String.fromCodePoint(parseInt(hex, 16));
      return ENTITIES[name.toLowerCase()] ?? all;
    },
  );
}

function attr(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return match?.[1] === undefined ? undefined : decodeHtml(match[1]);
}

function hiddenInputs(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input\b[^>]*>/gi)) {
    const tag = match[0];
    if (attr(tag, 'type')?.toLowerCase() !== 'hidden') continue;
    const name = attr(tag, 'name');
    if (name !== undefined) fields[name] = attr(tag, 'value') ?? '';
  }
  return fields;
}

/** Interprets a response of the authorize endpoint. `undefined` = it is the sign-in page. */
function interpret(res: RawResponse): CompleteLoginResult | undefined {
  const location = res.headers['location'];
  if (res.status >= 300 && res.status < 400 && typeof location === 'string')
    return { kind: 'redirect', location };
  const device = /<meta name="device-login" content="(approved|declined)">/.exec(res.body)?.[1];
  if (device === 'approved' || device === 'declined') return { kind: 'device', outcome: device };
  const aadsts = /<meta name="aadsts" content="(\d+)">/.exec(res.body);
  if (aadsts?.[1] !== undefined)
    return { kind: 'error_page', status: res.status, code: Number(aadsts[1]), html: res.body };
  const hiddenForm = /<form method="POST" name="hiddenform" action="([^"]*)">/.exec(res.body);
  if (hiddenForm?.[1] !== undefined)
    return { kind: 'form_post', action: decodeHtml(hiddenForm[1]), fields: hiddenInputs(res.body) };
  if (res.status !== 200)
    return { kind: 'error_page', status: res.status, code: 0, html: res.body };
  return undefined;
}

/**
 * Drives the sign-in page over HTTP without a browser: GETs `authorizeUrl`, picks `account` (a demo user
 * key or username, even one the page does not list) or cancels, and returns where Microsoft would send
 * the browser: a redirect (`response_mode=query`, also error redirects), a `form_post` form, or an error
 * page (e.g. AADSTS50011, no redirect). On the device code verification page
 * (`/devicelogin?otc=<user code>`) it answers `{ kind: 'device', outcome }` instead. Uses one
 * short-lived connection per request; for an `https` emulator pass
 * `{ ca: emulator.caCertificate }` unless `NODE_EXTRA_CA_CERTS` names it.
 *
 * @example
 * ```ts
 * import { completeLogin } from 'microsoft-identity-emulator';
 * declare const authorizeUrl: string; // the Location of the app's GET /login redirect
 *
 * const result = await completeLogin(authorizeUrl, 'personal');
 * if (result.kind === 'redirect') {
 *   // GET result.location on the app (with its session cookie) to finish the sign-in.
 * }
 * ```
 */
export async function completeLogin(
  authorizeUrl: string,
  account: string | { cancel: true },
  options: CompleteLoginOptions = {},
): Promise<CompleteLoginResult> {
  const start = new URL(authorizeUrl);
  const page = await send(start, 'GET', undefined, options);
  const early = interpret(page);
  if (early) return early;
  const form =
    /<form class="account" method="post" action="([^"]*)">|<form method="post" action="([^"]*)" class="actions">/.exec(
      page.body,
    );
  const txn = /<input type="hidden" name="txn" value="([^"]*)">/.exec(page.body)?.[1];
  const action = form?.[1] ?? form?.[2];
  if (action === undefined || txn === undefined)
    throw new Error(
      `completeLogin: ${authorizeUrl} did not return the emulator sign-in page (status ${page.status})`,
    );
  const fields = new URLSearchParams({ txn: decodeHtml(txn) });
  if (typeof account === 'string') fields.set('account', account);
  else fields.set('cancel', '1');
  const answer = await send(new URL(decodeHtml(action), start), 'POST', fields.toString(), options);
  const result = interpret(answer);
  if (!result)
    throw new Error(
      `completeLogin: unexpected answer from the sign-in page (status ${answer.status})`,
    );
  return result;
}
