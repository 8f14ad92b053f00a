/**
 * The AADSTS catalogue: every identity-platform error the emulator sends, with the OAuth `error`
 * and HTTP status Microsoft pairs it with at the token endpoint and its text. Texts may name
 * values in braces (`{app}`), filled in when the error is raised; the `/error?code=n` lookup page
 * shows them with the braces, as Microsoft's lookup page does.
 */

/** One catalogue entry. */
export interface AadstsEntry {
  /** OAuth `error` of the token endpoint. */
  readonly error: string;
  /** HTTP status of the token endpoint. */
  readonly status: 400 | 401;
  /** Microsoft's text; `{name}` stands for a value given when the error is raised. */
  readonly text: string;
}

const entry = (error: string, status: 400 | 401, text: string): AadstsEntry =>
  Object.freeze({ error, status, text });

const ADMIN_HINT =
  'This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.';

/** The catalogue, by AADSTS number. */
export const AADSTS = Object.freeze({
  50011: entry(
    'invalid_grant',
    400,
    "The redirect URI '{redirectUri}' specified in the request does not match the redirect URIs configured for the application '{app}'.",
  ),
  50020: entry(
    'invalid_request',
    400,
    'User account from identity provider does not exist in tenant and cannot access the application in that tenant.',
  ),
  50027: entry('invalid_client', 401, 'JWT token is invalid or malformed.'),
  28000: entry(
    'invalid_scope',
    400,
    'Provided value for the input parameter scope is not valid because it contains more than one resource. Scope {scope} is not valid.',
  ),
  50013: entry('invalid_grant', 400, 'Assertion failed signature validation.'),
  50058: entry(
    'invalid_request',
    400,
    'A silent sign-in request was sent but no user is signed in.',
  ),
  50059: entry(
    'invalid_request',
    400,
    'No tenant-identifying information found in either the request or implied by any provided credentials.',
  ),
  54005: entry(
    'invalid_grant',
    400,
    'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
  ),
  65004: entry('access_denied', 400, 'User declined to consent to access the app.'),
  70000: entry('invalid_grant', 400, 'Provided grant is invalid or malformed.'),
  70002: entry('invalid_request', 400, 'Error validating credentials.'),
  70003: entry(
    'unsupported_grant_type',
    400,
    "The app requested an unsupported grant type '{grantType}'.",
  ),
  70016: entry(
    'authorization_pending',
    400,
    'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
  ),
  70018: entry(
    'bad_verification_code',
    400,
    'Invalid verification code due to User typing in wrong user code for device code flow. Authorization is not approved.',
  ),
  70020: entry(
    'expired_token',
    400,
    "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
  ),
  70008: entry(
    'invalid_grant',
    400,
    'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  ),
  70011: entry(
    'invalid_scope',
    400,
    "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid.",
  ),
  90002: entry(
    'invalid_request',
    400,
    "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.",
  ),
  90033: entry('temporarily_unavailable', 400, 'A transient error has occurred. Please try again.'),
  500011: entry(
    'invalid_resource',
    400,
    `The resource principal named {resource} was not found in the tenant named {tenant}. ${ADMIN_HINT}`,
  ),
  500133: entry(
    'invalid_grant',
    400,
    'Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token.',
  ),
  500200: entry(
    'invalid_request',
    400,
    'User account is a personal Microsoft account. Personal Microsoft accounts are not supported for this application unless explicitly invited to an organization.',
  ),
  500208: entry(
    'invalid_request',
    400,
    'The domain is not a valid login domain for the account type.',
  ),
  501051: entry(
    'invalid_grant',
    400,
    "Application '{app}'({appName}) is not assigned to a role for the application '{resource}'({resourceName}).",
  ),
  501481: entry(
    'invalid_grant',
    400,
    'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
  ),
  650053: entry(
    'invalid_client',
    400,
    "The application '{app}' asked for scope '{scope}' that doesn't exist on the resource '{resource}'. Contact the app vendor.",
  ),
  700005: entry(
    'invalid_grant',
    400,
    'Provided Authorization Code is intended to use against other tenant, thus rejected.',
  ),
  700016: entry(
    'unauthorized_client',
    400,
    `Application with identifier '{app}' was not found in the directory. ${ADMIN_HINT}`,
  ),
  700021: entry(
    'invalid_client',
    401,
    "Client assertion application identifier doesn't match 'client_id' parameter.",
  ),
  700022: entry(
    'invalid_client',
    401,
    "The audience of the client assertion is not the token endpoint '{tokenEndpoint}'.",
  ),
  700024: entry('invalid_client', 401, 'Client assertion is not within its valid time range.'),
  700025: entry(
    'invalid_client',
    401,
    "Client is public so neither 'client_assertion' nor 'client_secret' should be presented. Application '{app}' is registered as a public client.",
  ),
  700027: entry(
    'invalid_client',
    401,
    'Client assertion failed signature validation. [Reason - {reason}]',
  ),
  700054: entry('invalid_request', 400, 'response_type is not enabled for the application.'),
  700211: entry(
    'invalid_client',
    401,
    "No matching federated identity record found for presented assertion issuer '{issuer}'.",
  ),
  700212: entry(
    'invalid_client',
    401,
    "No matching federated identity record found for presented assertion audience '{audience}'.",
  ),
  700213: entry(
    'invalid_client',
    401,
    "No matching federated identity record found for presented assertion subject '{subject}'.",
  ),
  900144: entry(
    'invalid_request',
    400,
    "The request body must contain the following parameter: '{parameter}'.",
  ),
  900561: entry(
    'invalid_request',
    400,
    'The endpoint only accepts POST, OPTIONS requests. Received a {method} request.',
  ),
  1002012: entry(
    'invalid_scope',
    400,
    'The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).',
  ),
  7000215: entry(
    'invalid_client',
    401,
    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{app}'.",
  ),
  7000218: entry(
    'invalid_client',
    401,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  ),
  9002313: entry('invalid_request', 400, 'Invalid request. Request is malformed or invalid.'),
} satisfies Record<number, AadstsEntry>);

/** An AADSTS number of the catalogue. */
export type AadstsCode = keyof typeof AADSTS;

/** An identity-platform error raised from the catalogue: its code, OAuth error, status and text. */
export class AadstsError extends Error {
  constructor(
    readonly code: AadstsCode,
    readonly error: string,
    readonly status: number,
    text: string,
  ) {
    super(text);
    this.name = 'AadstsError';
  }
}

/** How {@link aadsts} fills an entry. */
export interface AadstsDetails {
  /** Values of the text's `{name}` placeholders. */
  values?: Readonly<Record<string, string>>;
  /** A sentence added after the text (what exactly was wrong). */
  detail?: string;
  /** The OAuth `error` where Microsoft pairs the code with another one. */
  error?: string;
}

/** The error of catalogue entry `code`, its placeholders filled from `details.values`. */
export function aadsts(code: AadstsCode, details: AadstsDetails = {}): AadstsError {
  const known: AadstsEntry = AADSTS[code];
  const values = details.values ?? {};
  const text = known.text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
  const full = details.detail === undefined ? text : `${text} ${details.detail}`;
  return new AadstsError(code, details.error ?? known.error, known.status, full);
}

/** The catalogue text of `code` (placeholders in braces), or `undefined` for a code it lacks. */
export function aadstsText(code: number): string | undefined {
  return Object.hasOwn(AADSTS, code) ? AADSTS[code as AadstsCode].text : undefined;
}
