import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';

/** One field, nothing of ours: ask it `{ health { status } }`. */
const helloWorldSchema = {
  typeDefs: 'type Query { health: Health } type Health { status: String }',
  resolvers: { Query: { health: () => ({ status: 'OK' }) } },
};

/**
 * The framework alone, the benchmarks' reference: Express 5 + Apollo 5 (Apollo's Express
 * integration) with a one-field schema.
 */
export async function startApolloHelloWorld(): Promise<{ url: string; stop: () => Promise<void> }> {
  const apollo = new ApolloServer(helloWorldSchema);
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

/**
 * The same schema on Apollo's own standalone server (`startStandaloneServer`: node:http, a JSON
 * body parser, no Express), as Apollo's getting-started guide runs it: Apollo at its leanest.
 */
export async function startApolloStandaloneHelloWorld(): Promise<{ url: string; stop: () => Promise<void> }> {
  const apollo = new ApolloServer(helloWorldSchema);
  const { url } = await startStandaloneServer(apollo, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, stop: () => apollo.stop() };
}
