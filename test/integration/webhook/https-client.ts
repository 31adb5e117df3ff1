/**
 * A small HTTPS client for the webhook server tests: one fresh TLS
 * connection per request (agent: false), trusting the given CA bundle, as
 * the apiserver does with a webhook's caBundle.
 */
import { request } from "node:https";
import type { TLSSocket } from "node:tls";

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Serial number of the certificate the server presented. */
  serial: string;
}

export function send(
  port: number,
  ca: string,
  opts: { method?: string; path: string; body?: string | Buffer; headers?: Record<string, string>; client?: { cert: string; key: string } },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        ca,
        servername: "localhost",
        agent: false,
        method: opts.method ?? "POST",
        path: opts.path,
        headers: opts.headers ?? {},
        ...(opts.client ?? {}),
      },
      (res) => {
        const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), serial }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

export function postJson(port: number, ca: string, path: string, body: unknown, client?: { cert: string; key: string }): Promise<Reply> {
  return send(port, ca, { path, body: JSON.stringify(body), headers: { "content-type": "application/json" }, ...(client ? { client } : {}) });
}
