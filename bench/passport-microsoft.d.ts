/** Types for passport-microsoft (it ships none): a passport-oauth2 strategy with Microsoft defaults. */
declare module 'passport-microsoft' {
  import OAuth2Strategy from 'passport-oauth2';

  /** passport-microsoft's options: passport-oauth2's plus tenant, apiEntryPoint, graphApiVersion, addUPNAsEmail. */
  export interface MicrosoftStrategyOptions {
    clientID: string;
    clientSecret: string;
    callbackURL: string;
    tenant?: string;
    authorizationURL?: string;
    tokenURL?: string;
    apiEntryPoint?: string;
    graphApiVersion?: string;
    addUPNAsEmail?: boolean;
    scope?: string | string[];
    state?: boolean;
    pkce?: boolean;
  }

  export class Strategy extends OAuth2Strategy {
    constructor(options: MicrosoftStrategyOptions, verify: OAuth2Strategy.VerifyFunction);
  }
}
