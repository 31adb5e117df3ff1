/**
 * A plain-HTTP server for kubelet probes and Prometheus: /healthz (the process
 * serves), /readyz (the component is ready) and /metrics (prom-client registries).
 */
import { createServer, type Server } from "node:http";
import { Registry } from "prom-client";

export interface ProbeServerOptions {
  host: string;
  port: number;
  ready?: () => boolean;
  registries?: Registry[];
}

/** @returns the listening server (close it on shutdown). */
export async function startProbeServer(opts: ProbeServerOptions): Promise<Server> {
  const metrics = Registry.merge([new Registry(), ...(opts.registries ?? [])]);
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") return void res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    if (path === "/readyz") {
      const ok = opts.ready?.() ?? true;
      return void res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "ok" : "not ready");
    }
    if (path === "/metrics") {
      metrics
        .metrics()
        .then((text) => res.writeHead(200, { "content-type": metrics.contentType }).end(text))
        .catch(() => res.writeHead(500).end());
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, resolve);
  });
  return server;
}
