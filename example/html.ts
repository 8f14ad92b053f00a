/**
 * Server-rendered pages of the sample app. Every interpolated value is HTML-escaped by the `html`
 * tag unless it is itself a fragment built with `html`. One static style sheet, allowed by the
 * Content-Security-Policy through its hash (no inline `style=""` attributes, no scripts).
 */
import { createHash } from 'node:crypto';

/** A fragment of HTML that is already safe to insert. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  if (typeof value === 'string') return escapeHtml(value);
  // Numbers, booleans and bigints print as themselves; objects and functions are not markup.
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
    ? escapeHtml(String(value))
    : '';
}

/** Template tag: escapes every interpolation except {@link SafeHtml} fragments (arrays are joined). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;font-family:"Segoe UI",-apple-system,BlinkMacSystemFont,Roboto,"Helvetica Neue",Arial,sans-serif;
  color:#1b1b1b;background:#f3f2f1;line-height:1.45}
header{background:#fff;border-bottom:1px solid #e1dfdd;padding:12px 24px;display:flex;align-items:center;gap:12px}
header a{color:inherit;text-decoration:none;font-weight:600}
header nav{margin-left:auto;display:flex;align-items:center;gap:12px;font-size:14px}
main{max-width:760px;margin:32px auto;padding:0 16px}
.card{background:#fff;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.15);padding:32px}
.card+.card{margin-top:16px}
h1{font-size:28px;font-weight:600;margin:0 0 8px}
p{margin:0 0 16px}
.muted{color:#605e5c;font-size:14px}
.banner{background:#fff4ce;border:1px solid #f2d675;border-radius:4px;padding:10px 14px;font-size:14px;margin-bottom:20px}
.ms{display:inline-flex;align-items:center;gap:12px;height:41px;padding:0 12px;background:#fff;border:1px solid #8c8c8c;
  color:#5e5e5e;font-weight:600;font-size:15px;text-decoration:none;border-radius:0}
.ms:hover{background:#f3f3f3}
.logo{display:grid;grid-template-columns:10px 10px;gap:1px;width:21px;height:21px}
.logo span{display:block;width:10px;height:10px}
.r{background:#f25022}.g{background:#7fba00}.b{background:#00a4ef}.y{background:#ffb900}
.alt{margin-top:16px;font-size:14px}
.alt a{color:#0067b8}
.works{color:#107c10}
.person{display:flex;gap:20px;align-items:center;margin:20px 0}
.photo{width:96px;height:96px;border-radius:50%;object-fit:cover;background:#0067b8;flex:none}
.initials{width:96px;height:96px;border-radius:50%;background:#0067b8;color:#fff;font-size:34px;font-weight:600;
  display:flex;align-items:center;justify-content:center;flex:none}
.name{font-size:22px;font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px;margin:0 0 20px}
dt{color:#605e5c}
dd{margin:0;overflow-wrap:anywhere}
code{font-family:Consolas,"Courier New",monospace;font-size:13px}
.badge{display:inline-block;font-size:12px;padding:1px 8px;border-radius:10px;margin-left:6px;vertical-align:1px}
.yes{background:#dff6dd;color:#107c10}.no{background:#fde7e9;color:#a4262c}
details{margin:0 0 20px;border:1px solid #e1dfdd;border-radius:4px;padding:8px 12px}
summary{cursor:pointer;font-weight:600}
pre{white-space:pre-wrap;word-break:break-all;font-size:12px;background:#faf9f8;padding:12px;margin:8px 0 0;max-height:480px;overflow:auto}
button,.button{font:inherit;font-size:14px;padding:7px 18px;border-radius:2px;border:1px solid #8a8886;background:#fff;color:#323130;
  cursor:pointer;text-decoration:none;display:inline-block}
button.primary,.button.primary{background:#0067b8;border-color:#0067b8;color:#fff}
form.inline{display:inline;margin:0}
.error h1{color:#a4262c}
.actions{display:flex;gap:10px;margin-top:20px}
`;

/** The app's icon (`/favicon.svg`, also answered at `/favicon.ico`): a person on a blue disc. */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="16" fill="#0067b8"/><circle cx="16" cy="12.5" r="5.5" fill="#fff"/><path fill="#fff" d="M6.5 26.5c1.6-5 5.2-7.5 9.5-7.5s7.9 2.5 9.5 7.5a13 13 0 0 1-19 0z"/></svg>';

/** The `style-src` source allowing {@link STYLE} (and nothing else inline). */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** The signed-in user as pages show it. */
export interface PageUser {
  displayName: string;
  email?: string;
}

/** Common page settings. */
export interface LayoutOptions {
  /** Signed-in user (shows the sign-out button). */
  user?: PageUser | undefined;
  /** CSRF token for the sign-out form. */
  csrfToken?: string | undefined;
}

function signOutForm(csrfToken: string, id: string, primary = false): SafeHtml {
  return html`<form class="inline" method="post" action="/logout"><input type="hidden" name="_csrf" value="${csrfToken}"><button type="submit" id="${id}"${primary ? new SafeHtml(' class="primary"') : ''}>Sign out</button></form>`;
}

/** The whole document. */
export function layout(title: string, body: SafeHtml, options: LayoutOptions = {}): string {
  const nav =
    options.user && options.csrfToken
      ? html`<nav><span>${options.user.displayName}</span><a href="/profile">Profile</a>${signOutForm(options.csrfToken, 'nav-sign-out')}</nav>`
      : '';
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<header><a href="/">passport-microsoft-account sample</a>${nav}</header>
<main>
${body}
</main>
</body>
</html>
`.value;
}

function microsoftButton(href: string): SafeHtml {
  return html`<a class="ms" id="sign-in" href="${href}"><span class="logo" aria-hidden="true"><span class="r"></span><span class="g"></span><span class="b"></span><span class="y"></span></span>Sign in with Microsoft</a>`;
}

/** The home page. */
export function homePage(
  options: LayoutOptions & { emulatorURL?: string | undefined; signedOut?: boolean },
): string {
  const signedOut =
    options.signedOut === true && !options.user
      ? html`<p class="banner" id="signed-out">You signed out. Sign in again whenever you like.</p>`
      : '';
  const banner = options.emulatorURL
    ? html`<p class="banner">No Microsoft app is configured, so sign-in goes to the local Microsoft emulator at <code>${options.emulatorURL}</code>: pick any demo account, no password needed.</p>`
    : '';
  const body =
    options.user && options.csrfToken
      ? html`<h1>Welcome back, ${options.user.displayName}</h1>
<p>You are signed in with Microsoft.</p>
<div class="actions"><a class="button primary" href="/profile">See your profile</a>${signOutForm(options.csrfToken, 'sign-out')}</div>`
      : html`<h1>Sign in with Microsoft</h1>
<p class="muted">Personal Microsoft accounts (Outlook.com, Hotmail, Xbox, Skype) and work or school accounts.</p>
${microsoftButton('/login')}
<p class="alt"><a href="/login?mode=personal" id="personal-only">Personal account only</a> · <a href="/login?mode=select" id="choose-account">Choose an account</a></p>`;
  return layout(
    'Sign in with Microsoft',
    html`<div class="card">${signedOut}${banner}${body}</div>`,
    options,
  );
}

/** What the "It Works!" page shows. */
export interface ProfileView {
  displayName: string;
  email?: string;
  emailVerified?: boolean;
  photo?: string;
  accountType?: 'personal' | 'work' | 'customer';
  /** A work or school sign-in as a guest of the tenant (`profile.isGuest`). */
  isGuest?: boolean;
  tenantId?: string;
  objectId?: string;
  username?: string;
  /** Pretty-printed profile JSON. */
  json: string;
}

const ACCOUNT_TYPE_LABEL: Readonly<Record<'personal' | 'work' | 'customer', string>> = {
  personal: 'Personal Microsoft account',
  work: 'Work or school account',
  customer: 'Customer account',
};

/** The account type as the page shows it; a guest is named as one. */
function accountTypeLabel(view: ProfileView): string {
  if (view.accountType === undefined) return 'unknown';
  if (view.accountType === 'work' && view.isGuest === true)
    return 'Guest (work or school account of another organization)';
  return ACCOUNT_TYPE_LABEL[view.accountType];
}

function initials(name: string): string {
  return (
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((p) => p.charAt(0).toUpperCase())
      .join('') || '?'
  );
}

/** The "It Works!" page. */
export function profilePage(view: ProfileView, options: LayoutOptions): string {
  const picture = view.photo
    ? html`<img class="photo" id="photo" src="${view.photo}" alt="Profile photo of ${view.displayName}" width="96" height="96">`
    : html`<div class="initials" aria-hidden="true">${initials(view.displayName)}</div>`;
  const email = view.email
    ? html`<code id="email">${view.email}</code>${
        view.emailVerified
          ? html`<span class="badge yes" id="email-verified">verified</span>`
          : html`<span class="badge no" id="email-verified">not verified</span>`
      }`
    : html`<span class="muted" id="email">none: no mailbox, so no email${
        view.username ? html` (the sign-in name ${view.username} is not a mail address)` : ''
      }</span>`;
  const body = html`<div class="card">
<h1 class="works">It Works!</h1>
<p>You signed in with Microsoft. This is the profile the strategy handed to the verify callback.</p>
<div class="person">${picture}<div><div class="name" id="display-name">${view.displayName || '(no name)'}</div><div class="muted">${view.username}</div></div></div>
<dl>
<dt>Email</dt><dd>${email}</dd>
<dt>Account type</dt><dd id="account-type">${accountTypeLabel(view)}</dd>
<dt>Tenant ID</dt><dd><code id="tenant-id">${view.tenantId ?? ''}</code></dd>
<dt>Object ID</dt><dd><code id="object-id">${view.objectId ?? ''}</code></dd>
</dl>
<details><summary>Raw profile JSON</summary><pre id="raw-profile">${view.json}</pre></details>
<div class="actions"><a class="button" href="/">Home</a><a class="button" href="/tasks" id="api-page">Call the API</a>${options.csrfToken ? signOutForm(options.csrfToken, 'sign-out', true) : ''}</div>
</div>`;
  return layout('It Works!', body, options);
}

/** One call of the app's API from the server, as the API page shows it (never the token). */
export interface ApiCallView {
  /** `GET /api/tasks` or `POST /api/tasks`. */
  request: string;
  /** The API's HTTP status; absent when no token could be obtained. */
  status?: number;
  /** The `WWW-Authenticate` header, and its `error`, `error_description` and `scope`. */
  challenge?: string;
  fields?: Readonly<Record<string, string>>;
  /** The response body (JSON pretty-printed). */
  body?: string;
  /** Why no access token for the API could be obtained from the refresh token. */
  tokenProblem?: { message: string; error?: string; aadsts?: number };
}

function apiResult(call: ApiCallView): SafeHtml {
  const problem = call.tokenProblem;
  if (problem)
    return html`<div class="card error" id="api-result"><h1>No token for the API</h1><p id="token-problem">${problem.message}</p>${
      problem.error !== undefined
        ? html`<dl><dt>Error</dt><dd><code id="error-code">${problem.error}</code></dd>${problem.aadsts !== undefined ? html`<dt>Microsoft error code</dt><dd><code id="aadsts">AADSTS${problem.aadsts}</code></dd>` : ''}</dl>`
        : ''
    }</div>`;
  const ok = call.status !== undefined && call.status < 300;
  const f = call.fields ?? {};
  const row = (label: string, id: string, value: string | undefined): SafeHtml | string =>
    value === undefined ? '' : html`<dt>${label}</dt><dd><code id="${id}">${value}</code></dd>`;
  return html`<div class="card${ok ? '' : ' error'}" id="api-result">
<h1>${call.request}: <span id="api-status">${call.status ?? ''}</span></h1>
<dl>${row('WWW-Authenticate', 'api-challenge', call.challenge)}${row('error', 'api-error', f['error'])}${row('error_description', 'api-error-description', f['error_description'])}${row('scope needed', 'api-scope', f['scope'])}</dl>
${call.body ? html`<pre id="api-body">${call.body}</pre>` : ''}
</div>`;
}

/** The API page: what the API is, two calls to make, and the last call's answer. */
export function apiPage(
  view: { api: { clientID: string; scope: string }; call?: ApiCallView },
  options: LayoutOptions,
): string {
  const body = html`<div class="card">
<h1>Call the API</h1>
<p>This app also is a web API: <code>GET /api/tasks</code> is protected by <code>MicrosoftBearerStrategy</code> and takes Microsoft access tokens issued for the API <code id="api-client-id">${view.api.clientID}</code>. The app redeems your sign-in's refresh token for a token with the scope <code id="api-scope-requested">${view.api.scope}</code> and calls the API with it, from the server: the tokens never reach this page.</p>
<div class="actions"><a class="button primary" href="/tasks?call=read" id="call-read">GET /api/tasks</a><a class="button" href="/tasks?call=write" id="call-write">POST /api/tasks (needs Tasks.Write)</a></div>
</div>
${view.call ? apiResult(view.call) : ''}`;
  return layout('Call the API', body, options);
}

/** A row of diagnostics on the error page. */
export type Detail = readonly [label: string, value: string, id?: string];

/** The friendly error page. */
export function errorPage(
  view: {
    title: string;
    message: string;
    hint?: string;
    /** A link to the documentation that explains the failure. */
    docs?: { href: string; text: string };
    details?: readonly Detail[];
    retry?: boolean;
  },
  options: LayoutOptions = {},
): string {
  const details =
    view.details && view.details.length > 0
      ? html`<p class="muted">If you contact support, quote these values:</p><dl>${view.details.map(([label, value, id]) => html`<dt>${label}</dt><dd><code${id ? html` id="${id}"` : ''}>${value}</code></dd>`)}</dl>`
      : '';
  const body = html`<div class="card error">
<h1>${view.title}</h1>
<p id="error-message">${view.message}</p>
${view.hint ? html`<p class="muted">${view.hint}</p>` : ''}
${view.docs ? html`<p><a id="docs-link" href="${view.docs.href}">${view.docs.text}</a></p>` : ''}
${details}
<div class="actions">${view.retry === false ? '' : html`<a class="button primary" href="/login" id="try-again">Try again</a>`}<a class="button" href="/">Home</a></div>
</div>`;
  return layout(view.title, body, options);
}
