import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';

/**
 * The framework alone, the benchmarks' reference: Express 5 + Apollo 5 with a one-field schema,
 * nothing of ours. Ask it `{ health { status } }`.
 */
export async function startApolloHelloWorld(): Promise<{ url: string; stop: () => Promise<void> }> {
  const apollo = new ApolloServer({
    typeDefs: 'type Query { health: Health } type Health { status: String }',
    resolvers: { Query: { health: () => ({ status: 'OK' }) } },
  });
  await apollo.start();
  const app = express();
  app.use('/graphql', express.json(), expressMiddleware(apollo));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    stop: async () => {
      await apollo.stop();
      server.close();
    },
  };
}
