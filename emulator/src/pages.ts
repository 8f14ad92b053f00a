/**
 * HTML pages of the emulator: sign-in (account picker), error page, form_post auto-submit, signed out.
 */
import { escapeHtml as e } from './http-helpers.js';
import type { Trace } from './error-bodies.js';
import type { EmulatorUser } from './emulator-types.js';
import { initialsOf } from './images.js';

const STYLE = `
  *{box-sizing:border-box}
  body{margin:0;font-family:"Segoe UI","Segoe UI Web (West European)",-apple-system,BlinkMacSystemFont,Roboto,"Helvetica Neue",sans-serif;
    background:linear-gradient(135deg,#e6eefa 0%,#f3f2f1 60%,#eef6f0 100%);color:#1b1b1b;min-height:100vh;
    display:flex;align-items:center;justify-content:center}
  main{background:#fff;width:440px;max-width:calc(100vw - 24px);padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
  .logo{display:flex;gap:2px;width:22px;flex-wrap:wrap;margin-bottom:8px}
  .logo span{width:10px;height:10px;display:block}
  .brand{display:flex;align-items:center;gap:10px;font-size:15px;color:#5e5e5e;margin-bottom:16px}
  h1{font-size:24px;font-weight:600;margin:0 0 16px}
  p{font-size:15px;line-height:1.4}
  ul{list-style:none;margin:0 0 16px;padding:0}
  ul.uris{list-style:disc;padding-left:20px;font-size:13px;overflow-wrap:anywhere}
  li{margin:0}
  form.account button{all:unset;box-sizing:border-box;cursor:pointer;display:flex;gap:12px;align-items:center;width:100%;
    padding:12px 10px;border-bottom:1px solid #eee}
  form.account button:hover,form.account button:focus{background:#f2f2f2;outline:1px dashed #666}
  li.hinted form.account button{background:#e5f1fb}
  .avatar{width:40px;height:40px;border-radius:50%;background:#0067b8;color:#fff;display:flex;align-items:center;
    justify-content:center;font-weight:600;flex:none}
  .who{display:flex;flex-direction:column;min-width:0}
  .name{font-size:15px}
  .username{font-size:13px;color:#1b1b1b;overflow-wrap:anywhere}
  .kind{font-size:12px;color:#5e5e5e}
  .actions{display:flex;justify-content:flex-end;margin-top:24px}
  .secondary{background:#ccc;border:none;color:#000;padding:6px 24px;font-size:15px;cursor:pointer;min-width:108px}
  .note{font-size:12px;color:#5e5e5e;margin-top:24px}
  .error{color:#e81123}
  pre{white-space:pre-wrap;word-break:break-all;font-size:12px;background:#f6f6f6;padding:10px}
`;

function layout(title: string, body: string, head = '', lang = 'en'): string {
  return `<!DOCTYPE html>
<html lang="${e(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${e(title)}</title>
<link rel="icon" href="/favicon.ico" type="image/svg+xml">
${head}<style>${STYLE}</style>
</head>
<body>
<main>
<div class="brand"><div class="logo"><span style="background:#f25022"></span><span style="background:#7fba00"></span><span style="background:#00a4ef"></span><span style="background:#ffb900"></span></div>Microsoft <small>(local emulator)</small></div>
${body}
</main>
</body>
</html>
`;
}

/** The account's photo, or its initials on a disc when it has none, as Microsoft's picker shows. */
function avatar(user: EmulatorUser): string {
  return user.photo
    ? `<img class="avatar" alt="" src="data:${e(user.photo.contentType)};base64,${user.photo.data.toString('base64')}">`
    : `<span class="avatar" aria-hidden="true">${e(initialsOf(user.displayName))}</span>`;
}

const KIND_LABEL: Readonly<Record<EmulatorUser['kind'], string>> = {
  personal: 'Personal account',
  work: 'Work or school account',
  guest: 'Guest account',
};

/**
 * The account picker: one POST form per account (`txn` + `account`), plus a Cancel form (`txn` +
 * `cancel`). `lang` (the requested page language) goes on `<html lang>`; the text stays English.
 */
export function signInPage(opts: {
  action: string;
  txn: string;
  users: readonly EmulatorUser[];
  hintedKey: string | undefined;
  appName: string;
  lang: string;
}): string {
  const items = opts.users
    .map((u) => {
      const hinted = u.key === opts.hintedKey;
      return `<li class="${hinted ? 'hinted' : ''}" data-account="${e(u.key)}">
<form class="account" method="post" action="${e(opts.action)}">
<input type="hidden" name="txn" value="${e(opts.txn)}">
<input type="hidden" name="account" value="${e(u.key)}">
<button type="submit"${hinted ? ' autofocus aria-current="true"' : ''}>${avatar(u)}<span class="who"><span class="name">${e(u.displayName)}</span><span class="username">${e(u.preferredUsername)}</span><span class="kind">${KIND_LABEL[u.kind]}</span></span></button>
</form>
</li>`;
    })
    .join('\n');
  const list = opts.users.length
    ? `<ul id="accounts">\n${items}\n</ul>`
    : '<p class="error">No account can sign in to this application here.</p>';
  return layout(
    'Sign in to your account',
    `<h1>Pick an account</h1>
<p>to continue to ${e(opts.appName)}</p>
${list}
<form method="post" action="${e(opts.action)}" class="actions">
<input type="hidden" name="txn" value="${e(opts.txn)}">
<input type="hidden" name="cancel" value="1">
<button type="submit" class="secondary" id="cancel">Cancel</button>
</form>
<p class="note">This is a local emulator of the Microsoft identity platform. No password is needed.</p>`,
    '',
    opts.lang,
  );
}

/**
 * An AADSTS error page (no redirect to the app). The code is also in `<meta name="aadsts">`;
 * `detailsHtml` (already escaped) goes under the message.
 */
export function errorPage(code: number, message: string, trace: Trace, detailsHtml = ''): string {
  return layout(
    'Sign in to your account',
    `<h1>Sign in</h1>
<p>Sorry, but we’re having trouble signing you in.</p>
<p class="error" id="error">AADSTS${code}: ${e(message)}</p>
${detailsHtml}<pre>Trace ID: ${e(trace.traceId)}
Correlation ID: ${e(trace.correlationId)}
Timestamp: ${e(trace.timestamp)}
Message: AADSTS${code}</pre>`,
    `<meta name="aadsts" content="${code}">\n`,
  );
}

/** The `response_mode=form_post` page: a form POSTing `fields` to `action`, submitted by script. */
export function formPostPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${e(name)}" value="${e(value)}" />`)
    .join('');
  return `<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="${e(action)}">${inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form><script language="javascript">window.setTimeout(function(){document.forms[0].submit();}, 0);</script></body></html>`;
}

/** The page shown after logout without an acceptable `post_logout_redirect_uri`. */
export function signedOutPage(): string {
  return layout(
    'Sign out',
    `<h1>You signed out of your account</h1>
<p>It’s a good idea to close all browser windows.</p>`,
  );
}

/** The `/error?code=n` lookup page. */
export function errorCodePage(code: string, text: string | undefined): string {
  return layout(
    `Error ${code}`,
    `<h1>Error code AADSTS${e(code)}</h1>
<p>${e(text ?? 'No further information is available for this error code in the emulator.')}</p>`,
  );
}

/** A generic HTML error page (used by the `html` fault), as a proxy or gateway would send. */
export function faultHtmlPage(status: number): string {
  return `<!DOCTYPE html><html><head><title>${status} Service Error</title></head><body><h1>Service temporarily unavailable</h1><p>The service returned HTTP ${status}. Please try again later.</p></body></html>`;
}

/** A plain 404 page. */
export function notFoundPage(path: string): string {
  return layout(
    'Not found',
    `<h1>Not found</h1><p>The emulator has no resource at ${e(path)}.</p>`,
  );
}

/** The AADSTS50011 page's help: the client's registered redirect URIs and how to add one. */
export function redirectUriHelp(registered: readonly string[]): string {
  const items = registered.map((uri) => `<li><code>${e(uri)}</code></li>`).join('');
  return `<div id="registered-redirect-uris"><p>Redirect URIs registered for this application in the emulator${registered.length ? ' (on <code>http://localhost</code> and <code>http://127.0.0.1</code> any port matches)' : ''}:</p>
<ul class="uris">${items || '<li>none</li>'}</ul>
<p>To add one: <code>--redirect-uri &lt;uri&gt;</code> on the <code>microsoft-identity-emulator</code> command line (repeatable), <code>redirectUris</code> of the client in its <code>--config</code> file, or the client's <code>redirectUris</code> in <code>startEmulator({ clients })</code>.</p></div>
`;
}

/** The device code verification page: a form asking for the code shown on the device. */
export function deviceCodeEntryPage(action: string): string {
  return layout(
    'Enter code',
    `<h1>Enter code</h1>
<p>Enter the code displayed on your app or device.</p>
<form method="post" action="${e(action)}">
<input type="text" name="otc" id="otc" autocomplete="off" autofocus required aria-label="Code">
<button type="submit" class="secondary" id="next">Next</button>
</form>
<p class="note">This is a local emulator of the Microsoft identity platform.</p>`,
  );
}

/** The last page of a device code sign-in: the user signed in on the device, or declined. */
export function deviceDonePage(outcome: 'approved' | 'declined', appName: string): string {
  const text =
    outcome === 'approved'
      ? `You have signed in to the ${e(appName)} application on your device. You may now close this window.`
      : `You have declined to sign in to the ${e(appName)} application on your device. You may now close this window.`;
  return layout(
    outcome === 'approved' ? 'Signed in' : 'Sign-in declined',
    `<h1>${outcome === 'approved' ? 'Microsoft account' : 'Sign-in declined'}</h1>
<p id="outcome">${text}</p>`,
    `<meta name="device-login" content="${outcome}">\n`,
  );
}
