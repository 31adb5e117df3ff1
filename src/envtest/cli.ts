/**
 * `npm run cluster:up` / `npm run cluster:down` (see src/envtest/cluster.ts).
 * `up` prints `export KUBECONFIG=...` on stdout; progress goes to stderr.
 */
import { clusterDown, clusterUp } from "./cluster.js";

async function main(command: string | undefined): Promise<void> {
  if (command === "up") {
    const path = await clusterUp();
    console.log(`export KUBECONFIG=${path}`);
  } else if (command === "down") {
    await clusterDown();
  } else {
    console.error("usage: tsx src/envtest/cli.ts up|down");
    process.exitCode = 2;
  }
}

main(process.argv[2]).catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
