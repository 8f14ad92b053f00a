/**
 * Microsoft Graph calls: `/me` and the profile photo, with the access token in the Authorization
 * header (never the query string) and Graph's error JSON kept in a {@link MicrosoftGraphError}.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { MicrosoftGraphError, MicrosoftHttpError } from '../errors.js';
import { parseJSON, retryAfterSeconds, send } from './http.js';
import { parseGraphUser } from '../profile/graph-user.js';
import type { GraphUser } from '../profile/graph-user.js';

/** Largest `/me` body accepted. */
const MAX_ME_BODY = 1024 * 1024;
/** Largest photo embedded; a bigger one is left out. */
export const MAX_PHOTO_BYTES = 100 * 1024;

/** Content types of a profile photo that are kept; any other photo is dropped. */
export const PHOTO_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
]);

/** Settings of a {@link GraphClient}. */
export interface GraphClientOptions {
  baseURL: string;
  timeout: number;
}

/** The `/me` result. */
export interface GraphMe {
  /** The checked fields the profile uses. */
  user: GraphUser;
  /** The response body as text. */
  raw: string;
  /** The parsed response body. */
  json: Record<string, unknown>;
}

function graphError(
  status: number,
  headers: IncomingHttpHeaders,
  body: Buffer,
  url: string,
): MicrosoftGraphError {
  const json = parseJSON(body);
  let graphCode: string | undefined;
  let message: string | undefined;
  // An empty header value counts as absent, so the body's innerError request id is used instead.
  const header = headers['request-id'];
  let requestId = typeof header === 'string' && header.trim() !== '' ? header : undefined;
  if (json !== null && typeof json === 'object') {
    const error = (json as { error?: unknown }).error;
    if (error !== null && typeof error === 'object') {
      const e = error as Record<string, unknown>;
      if (typeof e['code'] === 'string' && e['code'] !== '') graphCode = e['code'];
      if (typeof e['message'] === 'string') message = e['message'].slice(0, 300);
      const inner: unknown = e['innerError'] ?? e['innererror'];
      const innerId =
        inner !== null && typeof inner === 'object'
          ? (inner as Record<string, unknown>)['request-id']
          : undefined;
      if (requestId === undefined && typeof innerId === 'string' && innerId.trim() !== '')
        requestId = innerId;
    }
  }
  const retryAfter = status === 429 || status === 503 ? retryAfterSeconds(headers) : undefined;
  return new MicrosoftGraphError({ status, graphCode, message, requestId, retryAfter, url });
}

/** What the sign-in core needs of Microsoft Graph (inject a fake one in tests). */
export interface GraphEndpointClient {
  /** `GET /me`. */
  me(accessToken: string): Promise<GraphMe>;
  /** The photo as a `data:` URL, or `undefined` when there is none to show. */
  photo(accessToken: string, size: string): Promise<string | undefined>;
}

/** Talks to Microsoft Graph for one application. */
export class GraphClient implements GraphEndpointClient {
  readonly #o: GraphClientOptions;

  constructor(options: GraphClientOptions) {
    this.#o = options;
  }

  /** `GET /me`. Rejects with a {@link MicrosoftGraphError}, {@link MicrosoftProfileError} or {@link MicrosoftHttpError}. */
  async me(accessToken: string): Promise<GraphMe> {
    const url = `${this.#o.baseURL}/me`;
    const res = await send({
      method: 'GET',
      url,
      endpoint: 'graph',
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      timeout: this.#o.timeout,
      maxBytes: MAX_ME_BODY,
    });
    if (res.status !== 200) throw graphError(res.status, res.headers, res.body, url);
    const raw = res.body.toString('utf8');
    const { user, json } = parseGraphUser(raw);
    return { user, raw, json };
  }

  /**
   * The photo as a `data:` URL, or `undefined` when the user has none (404), it is not a JPEG, PNG,
   * GIF or WebP image (an SVG is dropped), or it is larger than 100 kB. Other failures reject like {@link GraphClient.me}.
   */
  async photo(accessToken: string, size: string): Promise<string | undefined> {
    const url =
      size === 'default'
        ? `${this.#o.baseURL}/me/photo/$value`
        : `${this.#o.baseURL}/me/photos/${size}/$value`;
    let res;
    try {
      res = await send({
        method: 'GET',
        url,
        endpoint: 'photo',
        headers: { authorization: `Bearer ${accessToken}`, accept: 'image/*' },
        timeout: this.#o.timeout,
        maxBytes: MAX_PHOTO_BYTES,
      });
    } catch (err) {
      if (err instanceof MicrosoftHttpError && err.code === 'body_too_large') return undefined;
      throw err;
    }
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw graphError(res.status, res.headers, res.body, url);
    const type = (res.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    // Raster formats only: an SVG (or any other type) in a data: URL can carry script.
    if (!PHOTO_TYPES.has(type) || res.body.length === 0) return undefined;
    return `data:${type};base64,${res.body.toString('base64')}`;
  }
}
