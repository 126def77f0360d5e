import { startApolloHelloWorld } from '../support/helloWorld';

/**
 * Apollo hello world in a child process of its own, as the service runs in one: the framework's
 * own speed on this machine now. Sends `{ url }` once listening; exits when the parent disconnects.
 */
async function main(): Promise<void> {
  const { url } = await startApolloHelloWorld();
  process.send!({ url });
  process.on('disconnect', () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
