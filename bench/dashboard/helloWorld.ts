import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';

/**
 * Apollo hello world (Express 5 + Apollo 5, a one-field schema, nothing of ours) in a child
 * process of its own, as the service runs in one: the framework's own speed on this machine now.
 * Sends `{ url }` once listening; exits when the parent disconnects.
 */
async function main(): Promise<void> {
  const apollo = new ApolloServer({
    typeDefs: 'type Query { health: Health } type Health { status: String }',
    resolvers: { Query: { health: () => ({ status: 'OK' }) } },
  });
  await apollo.start();
  const app = express();
  app.use('/graphql', express.json(), expressMiddleware(apollo));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` });
  process.on('disconnect', () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
