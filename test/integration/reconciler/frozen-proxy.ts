/**
 * A TCP proxy between a reconciler and the apiserver that can freeze: while
 * frozen it forwards nothing in either direction and closes nothing, as a
 * network partition does to a connection that neither side sees end (bytes
 * sent meanwhile are lost). Its kubeconfig is the test plane's with the proxy's
 * address (127.0.0.1, which the serving certificate names).
 */
import { KubeConfig } from "@kubernetes/client-node";
import { connect, createServer, type Server, type Socket } from "node:net";

export interface FrozenProxy {
  kc: KubeConfig;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

/** Starts the proxy in front of the apiserver of `base`. */
export async function startFrozenProxy(base: KubeConfig): Promise<FrozenProxy> {
  const target = new URL(base.getCurrentCluster()?.server ?? "");
  let frozen = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", (d: Buffer) => frozen || upstream.write(d));
    upstream.on("data", (d: Buffer) => frozen || client.write(d));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: base.clusters.map((c) => ({ ...c, server: `https://127.0.0.1:${port}` })),
    users: base.users,
    contexts: base.contexts,
    currentContext: base.currentContext,
  });
  return {
    kc,
    freeze: () => (frozen = true),
    thaw: () => (frozen = false),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
