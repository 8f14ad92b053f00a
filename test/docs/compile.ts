/**
 * Compiler settings shared by the documentation tests: strict TypeScript as a user compiles it, with
 * the package names mapped to this repository's sources.
 */
import ts from 'typescript';

/** The compiler options a strict TypeScript user (and this project) compiles with. */
export function compilerOptions(root: string): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    moduleDetection: ts.ModuleDetectionKind.Force,
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noImplicitOverride: true,
    // NestJS's decorators (docs/nestjs.md) are TypeScript's legacy decorators.
    experimentalDecorators: true,
    esModuleInterop: true,
    skipLibCheck: true,
    resolveJsonModule: true,
    allowJs: true,
    checkJs: false,
    noEmit: true,
    baseUrl: root,
    paths: {
      'passport-microsoft-account': ['lib/index.mts'],
      'microsoft-identity-emulator': ['emulator/src/index.mts'],
    },
  };
}
