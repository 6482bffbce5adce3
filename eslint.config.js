// Lint: typescript-eslint's type-checked recommended rules over every TypeScript file (sources, tests,
// examples); plain JavaScript fixtures get the untyped rules. `npm test` runs it (npm run lint).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'goldens/',
      'reports/latest/',
      'suites/recordings/',
      'adapters/wasm/assembly/',
      '**/*.py',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // tsconfig.test.json covers the sources, the tests and the vitest configs.
      parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      // The adapter contract's methods return promises; a synchronous implementation of one is an async
      // function without await, which is correct, not a mistake.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  // Tests parse the JSON the CLI printed (and reports it wrote) and inspect it: asserting that untyped value's
  // shape is the test itself, so the no-unsafe-* family (which forbids touching an `any`) is off there only.
  {
    files: ['tests/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  // Plain JavaScript, and the example a user copies (it imports the published package, not these sources).
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs', 'examples/**'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
      },
    },
  },
);
