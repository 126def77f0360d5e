// ESLint: typescript-eslint's recommended rules, the promise rules that need type information, and the
// layering of src/ (eslint.layers.mjs).
// Formatting is Prettier's job, not ESLint's.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import { layeringZones } from './eslint.layers.mjs';

const useTheStorePort = 'Import the store port (src/datasources/store) instead of the driver.';

export default defineConfig(
  globalIgnores([
    'dist/',
    'data/',
    'coverage/',
    'test-artifacts/',
    'bench-results/',
    'test/generated/',
    'web/src/generated/',
  ]),
  {
    files: ['**/*.{js,mjs}'],
    extends: [js.configs.recommended],
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A leading underscore marks a parameter or binding left unused on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json', '.node'] })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': [
        'error',
        { basePath: import.meta.dirname, zones: layeringZones(import.meta.dirname) },
      ],
    },
  },
  {
    // Tests and benchmarks read arbitrary JSON answers and build deliberately malformed input.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The store port mirrors the driver's signatures, which use any (cursor defaults, inserted and
    // upserted ids, distinct values), and the embedded engine implements them as declared.
    files: ['src/datasources/store/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // One engine's internals may import each other in a circle (the layering allows cycles inside
    // one engine's folder); between folders no-cycle holds.
    files: ['src/datasources/*/*/**/*.ts'],
    rules: { 'import-x/no-cycle': 'off' },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/datasources/store/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'mongodb', message: useTheStorePort }],
          patterns: [{ group: ['mongodb/*'], message: useTheStorePort }],
        },
      ],
    },
  },
);
