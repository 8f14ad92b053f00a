/**
 * The shared types, by topic (files under types/). Options and their types are in
 * config/options.ts, next to the option table.
 */
export type * from './types/login.js';
export type * from './types/option-values.js';
export type * from './types/passport.js';
export type * from './types/profile.js';
export type * from './types/state-store.js';
export type * from './types/tokens.js';
