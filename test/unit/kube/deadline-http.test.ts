import { expect } from "chai";
import { HttpMethod, RequestContext } from "@kubernetes/client-node";
import { createServer, type Socket } from "node:net";
import { createServer as createHttpServer } from "node:http";
import { firstValueFrom } from "./first-value.js";
import { deadlineHttpLibrary, RequestAbortedError, RequestTimeoutError } from "../../../src/kube/deadline-http.js";

/** A TCP server that accepts and never answers (a half-open apiserver); records when its sockets close. */
async function silentServer(): Promise<{ url: string; closed: () => number; close: () => void }> {
  let closed = 0;
  const sockets: Socket[] = [];
  const srv = createServer((s) => {
    sockets.push(s);
    s.on("end", () => closed++);
    s.resume();
    s.on("error", () => undefined);
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/api/v1/namespaces`, closed: () => closed, close: () => { sockets.forEach((s) => s.destroy()); srv.close(); } };
}

describe("deadlineHttpLibrary: every API request has a deadline", () => {
  it("a request to a server that never answers fails at the deadline and its socket is destroyed", async () => {
    const srv = await silentServer();
    try {
      const t0 = Date.now();
      const err = await firstValueFrom(deadlineHttpLibrary({ timeoutMs: 300 }).send(new RequestContext(srv.url, HttpMethod.GET))).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(RequestTimeoutError);
      expect(Date.now() - t0).to.be.within(280, 2000);
      await new Promise((r) => setTimeout(r, 300));
      expect(srv.closed(), "the server saw the connection close").to.equal(1);
    } finally {
      srv.close();
    }
  });

  it("an abort of the term's signal cancels a request in flight", async () => {
    const srv = await silentServer();
    try {
      const term = new AbortController();
      const pending = firstValueFrom(deadlineHttpLibrary({ timeoutMs: 10_000, signal: () => term.signal }).send(new RequestContext(srv.url, HttpMethod.PATCH))).catch((e: unknown) => e);
      setTimeout(() => term.abort(), 100);
      expect(await pending).to.be.instanceOf(RequestAbortedError);
      const again = await firstValueFrom(deadlineHttpLibrary({ signal: () => term.signal }).send(new RequestContext(srv.url, HttpMethod.PATCH))).catch((e: unknown) => e);
      expect(again, "an ended term sends nothing").to.be.instanceOf(RequestAbortedError);
    } finally {
      srv.close();
    }
  });

  it("an answer within the deadline comes back with status, headers and body", async () => {
    const srv = createHttpServer((req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ method: req.method }));
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    try {
      const ctx = new RequestContext(`http://127.0.0.1:${(srv.address() as { port: number }).port}/x`, HttpMethod.POST);
      ctx.setBody("{}");
      const res = await firstValueFrom(deadlineHttpLibrary({ timeoutMs: 2000 }).send(ctx));
      expect(res.httpStatusCode).to.equal(200);
      expect(res.headers["content-type"]).to.equal("application/json");
      expect(await res.body.text()).to.equal('{"method":"POST"}');
    } finally {
      srv.close();
    }
  });
});
