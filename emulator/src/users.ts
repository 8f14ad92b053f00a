/**
 * Demo app registration, demo tenant and demo accounts of the emulator.
 */
import { AVATAR_COLOURS, initialsOf, initialsPng } from './images.js';
import type { EmulatorApi, EmulatorClient, EmulatorUser } from './emulator-types.js';

/** Tenant id of personal Microsoft accounts (the "consumers" tenant). */
export const CONSUMER_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';

/** Tenant id of the demo work tenant (Contoso). */
export const DEMO_TENANT_ID = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';

/** Verified domains of the demo work tenant; usable as `{tenant}` in emulator URLs. */
export const DEMO_TENANT_DOMAINS: readonly string[] = Object.freeze([
  'contoso.onmicrosoft.com',
  'contoso.com',
]);

/** Display name of the demo work tenant. */
export const DEMO_TENANT_NAME = 'Contoso';

/** The name the account picker shows for a client registered without one. */
export const DEFAULT_APP_NAME = 'Sample app';

/**
 * The app registration used when {@link EmulatorOptions.clients} is not given: a fixed client id and
 * secret and the usual loopback callback paths (any port matches on loopback hosts): this
 * package's examples', Auth.js' (`/api/auth/callback/microsoft-entra-id`) and MSAL samples'
 * (`/redirect`, `/auth/redirect`).
 */
export const DEFAULT_CLIENT: EmulatorClient & { clientSecret: string } = Object.freeze({
  clientID: '3f8a1c52-7d0e-4b9a-a6c1-2e5f9b8d7c40',
  clientSecret: 'emulator-secret~0123456789abcdefghijklmnop',
  redirectUris: Object.freeze(
    [
      '/login/callback',
      '/auth/microsoft/callback',
      // Auth.js' Microsoft Entra ID provider.
      '/api/auth/callback/microsoft-entra-id',
      // MSAL samples.
      '/redirect',
      '/auth/redirect',
    ].flatMap((path) => [`http://localhost${path}`, `http://127.0.0.1${path}`]),
  ) as string[],
  name: DEFAULT_APP_NAME,
});

/** Application (client) id of {@link DEMO_API}. */
const DEMO_API_ID = '8e5b2a71-4c3d-4f1e-9a6b-7d2c1e0f3a58';

/**
 * The demo API's app registration: Application ID URI `api://8e5b2a71-4c3d-4f1e-9a6b-7d2c1e0f3a58`,
 * the delegated scope `Tasks.Read`, the app role `Tasks.Read.All`, v2 access tokens. Any client
 * may request its scope (consent is implied); {@link DEMO_DAEMON_CLIENT} is granted its role.
 */
export const DEMO_API: EmulatorClient & {
  clientSecret: string;
  api: Required<EmulatorApi>;
} = Object.freeze({
  clientID: DEMO_API_ID,
  clientSecret: 'emulator-api-secret~0123456789abcdefghijklmn',
  redirectUris: Object.freeze([]) as unknown as string[],
  name: 'Contoso Tasks API',
  api: Object.freeze({
    applicationIdUri: `api://${DEMO_API_ID}`,
    scopes: Object.freeze(['Tasks.Read']) as unknown as string[],
    appRoles: Object.freeze(['Tasks.Read.All']) as unknown as string[],
    accessTokenVersion: 2 as const,
  }),
});

/**
 * A daemon's app registration, granted the app role `Tasks.Read.All` of {@link DEMO_API}: client
 * credentials with `scope=api://8e5b2a71-4c3d-4f1e-9a6b-7d2c1e0f3a58/.default` and its secret give
 * an app-only token for the demo API.
 */
export const DEMO_DAEMON_CLIENT: EmulatorClient & {
  clientSecret: string;
  appRoles: Record<string, string[]>;
} = Object.freeze({
  clientID: '5d9c4e12-8b7a-4f36-a1e0-3c2b9d8f6e47',
  clientSecret: 'emulator-daemon-secret~0123456789abcdefghij',
  redirectUris: Object.freeze([]) as unknown as string[],
  name: 'Contoso Tasks daemon',
  appRoles: Object.freeze({
    [`api://${DEMO_API_ID}`]: Object.freeze(['Tasks.Read.All']) as unknown as string[],
  }),
});

/**
 * A public client's app registration (a CLI or desktop app: no secret, "Allow public client flows"):
 * device code sign-in, and authorization code with PKCE on `http://localhost` (any port).
 */
export const DEMO_PUBLIC_CLIENT: EmulatorClient & { publicClient: true } = Object.freeze({
  clientID: '0c7e4b9a-2d61-4f85-b3a0-6e1d8c5f2a97',
  redirectUris: Object.freeze(['http://localhost', 'http://127.0.0.1']) as unknown as string[],
  name: 'Contoso CLI',
  publicClient: true as const,
});

/** The registrations of an emulator started without `clients`, in this order. */
export const DEMO_CLIENTS: readonly EmulatorClient[] = Object.freeze([
  DEFAULT_CLIENT,
  DEMO_API,
  DEMO_DAEMON_CLIENT,
  DEMO_PUBLIC_CLIENT,
]);

/** A demo account's photo: its initials on a disc of the palette's colour `index` (PNG, 96×96). */
function demoPhoto(displayName: string, index: number): { contentType: string; data: Buffer } {
  const colour = AVATAR_COLOURS[index % AVATAR_COLOURS.length] ?? [0, 120, 212];
  return { contentType: 'image/png', data: initialsPng(96, initialsOf(displayName), colour) };
}

/**
 * Demo accounts (keys `'personal'`, `'work'`, `'guest'`, `'personal-gmail'`, `'no-email'`):
 * - `personal`: Outlook.com personal account; Graph `mail` null, UPN = sign-in address, a photo.
 * - `work`: Contoso member; full Graph profile, a photo, `xms_edov` true.
 * - `guest`: personal account invited into Contoso (`idp` `live.com`, `#EXT#` UPN).
 * - `personal-gmail`: personal account created with a gmail address: the address as UPN, `mail`
 *   null (as Graph answers today; some such accounts were seen with an empty UPN instead).
 * - `no-email`: Contoso member without mailbox: `mail` null and no `email` claim.
 * - `guest-home`: the guest's own personal account. Through `common` the guest signs in as this
 *   account, as at Microsoft; the guest account itself needs the tenant named (Contoso's ID or domain).
 */
export const DEMO_USERS: readonly EmulatorUser[] = Object.freeze([
  {
    key: 'personal',
    kind: 'personal',
    oid: '00000000-0000-0000-6a5b-4c3d2e1f0a9b',
    tid: CONSUMER_TENANT_ID,
    graphId: '6a5b4c3d2e1f0a9b',
    displayName: 'Avery Howard',
    givenName: 'Avery',
    surname: 'Howard',
    userPrincipalName: 'avery.howard@outlook.com',
    mail: null,
    email: 'avery.howard@outlook.com',
    preferredUsername: 'avery.howard@outlook.com',
    jobTitle: null,
    preferredLanguage: null,
    businessPhones: [],
    mobilePhone: null,
    officeLocation: null,
    photo: demoPhoto('Avery Howard', 0),
  },
  {
    key: 'work',
    kind: 'work',
    oid: '87d349ed-44d7-43e1-9a83-5f2406dee5bd',
    tid: DEMO_TENANT_ID,
    graphId: '87d349ed-44d7-43e1-9a83-5f2406dee5bd',
    displayName: 'Adele Vance',
    givenName: 'Adele',
    surname: 'Vance',
    userPrincipalName: 'AdeleV@contoso.com',
    mail: 'AdeleV@contoso.com',
    email: 'AdeleV@contoso.com',
    preferredUsername: 'AdeleV@contoso.com',
    emailDomainVerified: true,
    jobTitle: 'Retail Manager',
    preferredLanguage: 'en-US',
    businessPhones: ['+1 425 555 0109'],
    mobilePhone: '+1 425 555 0109',
    officeLocation: '18/2111',
    photo: demoPhoto('Adele Vance', 1),
  },
  {
    key: 'guest',
    kind: 'guest',
    oid: 'c2b7e5a1-93f4-4d28-b6a0-1f7e3d9c5a82',
    tid: DEMO_TENANT_ID,
    graphId: 'c2b7e5a1-93f4-4d28-b6a0-1f7e3d9c5a82',
    displayName: 'Jordan Lee',
    givenName: 'Jordan',
    surname: 'Lee',
    userPrincipalName: 'jordan.lee_outlook.com#EXT#@contoso.onmicrosoft.com',
    mail: 'jordan.lee@outlook.com',
    email: 'jordan.lee@outlook.com',
    preferredUsername: 'jordan.lee@outlook.com',
    idp: 'live.com',
    jobTitle: null,
    preferredLanguage: null,
    businessPhones: [],
    mobilePhone: null,
    officeLocation: null,
    photo: null,
  },
  {
    key: 'personal-gmail',
    kind: 'personal',
    oid: '00000000-0000-0000-3e9d-7b21c4f08a66',
    tid: CONSUMER_TENANT_ID,
    graphId: '3e9d7b21c4f08a66',
    displayName: 'Sam Rivera',
    givenName: 'Sam',
    surname: 'Rivera',
    userPrincipalName: 'sam.rivera@gmail.com',
    mail: null,
    email: 'sam.rivera@gmail.com',
    preferredUsername: 'sam.rivera@gmail.com',
    jobTitle: null,
    preferredLanguage: null,
    businessPhones: [],
    mobilePhone: null,
    officeLocation: null,
    photo: null,
  },
  {
    key: 'no-email',
    kind: 'work',
    oid: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a',
    tid: DEMO_TENANT_ID,
    graphId: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a',
    displayName: 'Kiosk Operator',
    givenName: 'Kiosk',
    surname: 'Operator',
    userPrincipalName: 'kiosk01@contoso.onmicrosoft.com',
    mail: null,
    preferredUsername: 'kiosk01@contoso.onmicrosoft.com',
    jobTitle: 'Front Desk',
    preferredLanguage: 'en-US',
    businessPhones: [],
    mobilePhone: null,
    officeLocation: null,
    photo: null,
  },
  {
    key: 'guest-home',
    kind: 'personal',
    oid: '00000000-0000-0000-9c41-d2e85a7b3f10',
    tid: CONSUMER_TENANT_ID,
    graphId: '9c41d2e85a7b3f10',
    displayName: 'Jordan Lee',
    givenName: 'Jordan',
    surname: 'Lee',
    userPrincipalName: 'jordan.lee@outlook.com',
    mail: null,
    email: 'jordan.lee@outlook.com',
    preferredUsername: 'jordan.lee@outlook.com',
    jobTitle: null,
    preferredLanguage: null,
    businessPhones: [],
    mobilePhone: null,
    officeLocation: null,
    photo: null,
  },
] satisfies EmulatorUser[]);
