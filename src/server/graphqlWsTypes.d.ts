// tsconfig's "node" module resolution ignores package.json "exports", so the graphql-ws
// subpath that Node resolves at run time needs its types pointed at explicitly.
declare module 'graphql-ws/use/ws' {
  export * from 'graphql-ws/dist/use/ws';
}
