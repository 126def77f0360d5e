/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest'],
    // ESM-only packages (graphql-upload and its fs-capacitor) are require()d by Node 20.19 itself,
    // but jest's module system needs them compiled to CommonJS.
    '(\\.mjs|/node_modules/fs-capacitor/.+\\.js)$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!fs-capacitor/).+\\.(js|cjs|json)$'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json', 'node'],
  setupFiles: ['reflect-metadata'],
  testTimeout: 30000,
};
