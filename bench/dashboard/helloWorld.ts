import { startApolloHelloWorld, startApolloStandaloneHelloWorld } from '../support/helloWorld';

/**
 * Apollo hello world in a child process of its own, as the service runs in one: the framework's
 * own speed on this machine now, on Express (`url`, the reference) and on Apollo's standalone
 * server (`standaloneUrl`). Sends both once listening; exits when the parent disconnects.
 */
async function main(): Promise<void> {
  const [{ url }, { url: standaloneUrl }] = await Promise.all([
    startApolloHelloWorld(),
    startApolloStandaloneHelloWorld(),
  ]);
  process.send!({ url, standaloneUrl });
  process.on('disconnect', () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
