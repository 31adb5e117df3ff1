/**
 * ApiTransport against a real node:http server that plays the stale kept-alive connection:
 * it answers a connection's first request and, like a server whose idle timeout closed the
 * connection as the next request arrived, resets it on the second one without answering.
 */
import { expect } from "chai";
import { Agent, createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ApiTransport, retriesOnStaleConnection } from "../../../src/kube/api-transport.js";

interface Fixture {
  server: Server;
  transport: ApiTransport;
  /** Requests the server received, as `METHOD path`, in order, with the connection's number. */
  seen: string[];
  close(): Promise<void>;
}

async function staleServer(): Promise<Fixture> {
  const seen: string[] = [];
  const served = new Map<Socket, number>();
  let connections = 0;
  const numbers = new Map<Socket, number>();
  const server = createServer((req, res) => {
    const socket = req.socket;
    if (!numbers.has(socket)) numbers.set(socket, ++connections);
    seen.push(`${req.method ?? ""} ${req.url ?? ""} on ${numbers.get(socket) ?? 0}`);
    const n = (served.get(socket) ?? 0) + 1;
    served.set(socket, n);
    req.resume();
    req.on("end", () => {
      if (n > 1) socket.resetAndDestroy();
      else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ n: seen.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const access = { server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, prepare: () => Promise.resolve({ agent, watchAgent: agent, headers: {} }) };
  return {
    server,
    transport: new ApiTransport(access),
    seen,
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("ApiTransport on a stale kept-alive connection", () => {
  it("sends a GET again on a new connection when the reused one is reset before any answer", async () => {
    const f = await staleServer();
    try {
      expect(await f.transport.request("GET", "/api/v1/namespaces/a")).to.deep.equal({ n: 1 });
      expect(await f.transport.request("GET", "/api/v1/namespaces/b")).to.deep.equal({ n: 3 });
      expect(f.seen).to.deep.equal(["GET /api/v1/namespaces/a on 1", "GET /api/v1/namespaces/b on 1", "GET /api/v1/namespaces/b on 2"]);
    } finally {
      await f.close();
    }
  });

  it("never sends a create (POST) twice: the reset is the caller's error", async () => {
    const f = await staleServer();
    try {
      await f.transport.request("GET", "/api/v1/namespaces/a");
      const err = await f.transport.request("POST", "/api/v1/namespaces/a/secrets", {}, { kind: "Secret" }).then(() => null, (e: unknown) => e);
      expect((err as NodeJS.ErrnoException | null)?.code).to.equal("ECONNRESET");
      expect(f.seen).to.deep.equal(["GET /api/v1/namespaces/a on 1", "POST /api/v1/namespaces/a/secrets on 1"]);
    } finally {
      await f.close();
    }
  });

  it("retries reads only", () => {
    expect(["GET", "DELETE", "PATCH", "POST", "PUT"].map((m) => retriesOnStaleConnection(m))).to.deep.equal([true, false, false, false, false]);
  });

  it("never sends a server-side apply twice either", async () => {
    const f = await staleServer();
    try {
      await f.transport.request("GET", "/api/v1/namespaces/a");
      const err = await f.transport.request("PATCH", "/api/v1/namespaces/a/configmaps/x", {}, { kind: "ConfigMap" }, "application/apply-patch+yaml").then(() => null, (e: unknown) => e);
      expect((err as NodeJS.ErrnoException | null)?.code).to.equal("ECONNRESET");
      expect(f.seen).to.have.length(2);
    } finally {
      await f.close();
    }
  });
});
