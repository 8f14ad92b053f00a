// ESLint flat config: typescript-eslint's type-aware rules (recommendedTypeChecked, plus the
// strict rules that catch promise and condition mistakes in code bridging callbacks and promises)
// for sources, tests, example and bench; plain recommended rules for .mjs/.cjs scripts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '**/dist/**',
      'coverage/**',
      'docs/api/**',
      'node_modules/**',
      'test/artifacts/**',
      'bench/results/**',
      'bench/.build/**',
      'emulator/dist/**',
      'emulator/.build/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      parserOptions: {
        project: ['./tsconfig.test.json', './emulator/tsconfig.test.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unnecessary-condition': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      // Promise bridges over callbacks pass a callback's error on exactly as it was given.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'separate-type-imports', disallowTypeAnnotations: false },
      ],
      'no-console': 'off',
      // Route handlers and fakes share an async signature whether or not they await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'test/**/*.mts', 'test/**/*.cts', 'emulator/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      // chai's `expect(x).to.be.true` style and fixtures typed as unknown JSON.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      // Tests check at run time what the types already promise (property tests, defensive
      // teardown of fixtures that setup may not have created).
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  {
    // Express glue: @types/passport types `passport.authenticate()` and `initialize()` as `any`.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Type-level tests (their own tsconfig, against dist/) and plain JavaScript scripts.
    files: ['test/types/**', '**/*.mjs', '**/*.cjs', 'scripts/**'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Type-level tests import values on purpose to check how they are typed.
    files: ['test/types/**'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', 'scripts/**'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
);
