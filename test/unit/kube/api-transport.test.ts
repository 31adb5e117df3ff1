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

describe("kube/api-transport: a watch stream", () => {
  it("hands over each event once, whole, however the stream cuts it into chunks", async () => {
    const big = { kind: "ConfigMap", metadata: { name: "big" }, data: { text: "x".repeat(70_000) } };
    const events = [
      { type: "ADDED", object: { kind: "ConfigMap", metadata: { name: "a" } } },
      { type: "MODIFIED", object: big },
      { type: "DELETED", object: { kind: "ConfigMap", metadata: { name: "a" } } },
    ];
    const text = events.map((e) => `${JSON.stringify(e)}\n`).join("");
    // pieces that cut inside events, a piece with no newline, and one with two events' ends
    const cuts = [10, 50, 30_000, 60_000, text.length - 5, text.length];
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      let from = 0;
      const next = (i: number): void => {
        if (i === cuts.length) return void res.end();
        res.write(text.slice(from, cuts[i]));
        from = cuts[i]!;
        setTimeout(() => next(i + 1), 5);
      };
      next(0);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const agent = new Agent({ keepAlive: false });
    const transport = new ApiTransport({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, prepare: () => Promise.resolve({ agent, watchAgent: agent, headers: {} }) });
    try {
      const got: { type: string; object: unknown }[] = [];
      await new Promise<void>((resolve, reject) => {
        void transport.watch("/api/v1/configmaps", { watch: "true" }, (type, object) => got.push({ type, object }), (err) => (err ? reject(err) : resolve())).catch(reject);
      });
      expect(got).to.deep.equal(events);
    } finally {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("with omitManagedFields, hands over each object without metadata.managedFields, the rest intact", async () => {
    const managedFields = [{ manager: "discourse-operator", operation: "Apply", fieldsType: "FieldsV1", fieldsV1: { "f:data": { "f:a": {} } } }];
    const object = (name: string, withFields: boolean): object => ({
      kind: "ConfigMap",
      metadata: { name, annotations: { note: 'says "managedFields":[1]' }, ...(withFields ? { managedFields } : {}), resourceVersion: "7" },
      data: { a: "[{]}" },
    });
    const text = ["a", "b"].map((n) => `${JSON.stringify({ type: "MODIFIED", object: object(n, true) })}\n`).join("");
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(text);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const agent = new Agent({ keepAlive: false });
    const transport = new ApiTransport({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, prepare: () => Promise.resolve({ agent, watchAgent: agent, headers: {} }) });
    try {
      const watch = (omitManagedFields: boolean): Promise<unknown[]> => new Promise((resolve, reject) => {
        const got: unknown[] = [];
        void transport.watch("/api/v1/configmaps", {}, (_type, o) => got.push(o), (err) => (err ? reject(err) : resolve(got)), { omitManagedFields }).catch(reject);
      });
      expect(await watch(true)).to.deep.equal([object("a", false), object("b", false)]);
      expect(await watch(false)).to.deep.equal([object("a", true), object("b", true)]);
    } finally {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
