/**
 * passport-microsoft-account: "Sign in with Microsoft" for Passport.
 *
 * CommonJS entry: `require('passport-microsoft-account')` is the {@link Strategy} class, with
 * `.Strategy`, `.default` and the error classes on it.
 *
 * @packageDocumentation
 */
import { Strategy } from './strategy.js';

export = Strategy;
