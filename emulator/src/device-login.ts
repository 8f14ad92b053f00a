/**
 * The device code verification page (`/devicelogin`, Microsoft's https://microsoft.com/devicelogin):
 * the user enters the code shown on the device (or opens `/devicelogin?otc=<code>`), picks an
 * account on the usual picker, and the device's next poll gets the tokens.
 */
import type { Core, Exchange } from './context.js';
import { aadsts } from './aadsts.js';
import { DEVICE_LOGIN_PATH, findDeviceGrant } from './device-code.js';
import { newTrace } from './error-bodies.js';
import { header, sendHtml } from './http-helpers.js';
import { deviceCodeEntryPage, deviceDonePage, errorPage, signInPage } from './pages.js';
import { signInRefusal } from './tenants.js';
import { DEFAULT_APP_NAME } from './users.js';

function showError(
  ex: Exchange,
  status: number,
  code: 70018 | 70020 | 50034,
  detail: string,
): void {
  const trace = newTrace(header(ex.req, 'client-request-id'));
  const text = code === 50034 ? detail : `${aadsts(code).message} ${detail}`;
  sendHtml(ex.res, status, errorPage(code, text, trace));
}

/** The pending grant of a user code, or an error page (unknown, expired or already used code). */
function pendingGrant(
  core: Core,
  ex: Exchange,
  userCode: string,
): ReturnType<typeof findDeviceGrant> {
  const found = findDeviceGrant(core, userCode);
  if (found === undefined || found.grant.status !== 'pending') {
    showError(ex, 400, 70018, 'Check the code and try again.');
    return undefined;
  }
  if (found.grant.expiresAt <= core.now()) {
    showError(ex, 400, 70020, 'Start the sign-in again on the device.');
    return undefined;
  }
  return found;
}

function showPicker(core: Core, ex: Exchange, userCode: string): void {
  const found = pendingGrant(core, ex, userCode);
  if (found === undefined) return;
  const { grant } = found;
  const client = core.clients.find((c) => c.clientID === grant.clientID);
  sendHtml(
    ex.res,
    200,
    signInPage({
      action: DEVICE_LOGIN_PATH,
      // The user code identifies the sign-in on the picker's forms.
      txn: grant.userCode,
      users: core.users.filter((u) => !signInRefusal(u, grant.tenant, grant.clientID)),
      hintedKey: undefined,
      appName: client?.name ?? DEFAULT_APP_NAME,
      lang: 'en',
    }),
  );
}

function finish(core: Core, ex: Exchange, form: URLSearchParams): void {
  const found = pendingGrant(core, ex, form.get('txn') ?? '');
  if (found === undefined) return;
  const { grant } = found;
  const appName = core.clients.find((c) => c.clientID === grant.clientID)?.name ?? DEFAULT_APP_NAME;
  if (form.get('cancel')) {
    grant.status = 'declined';
    sendHtml(ex.res, 200, deviceDonePage('declined', appName));
    return;
  }
  const account = form.get('account') ?? '';
  const lower = account.toLowerCase();
  const user =
    core.users.find((u) => u.key === account) ??
    core.users.find(
      (u) => u.preferredUsername !== '' && u.preferredUsername.toLowerCase() === lower,
    );
  if (user === undefined) {
    showError(
      ex,
      400,
      50034,
      `The user account ${account} does not exist in the directory. To sign into this application, the account must be added to the directory.`,
    );
    return;
  }
  const refusal = signInRefusal(user, grant.tenant, grant.clientID);
  if (refusal) {
    const trace = newTrace(header(ex.req, 'client-request-id'));
    sendHtml(ex.res, 400, errorPage(refusal.code, refusal.text, trace));
    return;
  }
  grant.status = 'approved';
  grant.userKey = user.key;
  sendHtml(ex.res, 200, deviceDonePage('approved', appName));
}

/** Handles `GET|POST /devicelogin`. */
export function handleDeviceLogin(core: Core, ex: Exchange): void {
  if (ex.req.method === 'POST') {
    const form = new URLSearchParams(ex.body);
    if (form.has('txn')) finish(core, ex, form);
    else showPicker(core, ex, form.get('otc') ?? '');
    return;
  }
  const otc = ex.url.searchParams.get('otc');
  if (otc) showPicker(core, ex, otc);
  else sendHtml(ex.res, 200, deviceCodeEntryPage(DEVICE_LOGIN_PATH));
}
