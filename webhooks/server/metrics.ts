/**
 * Prometheus metrics of the webhook server (prom-client), in a registry of
 * its own so that several servers in one process (tests) do not collide.
 */
import { Counter, Histogram, Registry } from "prom-client";

/** How a request ended: admitted, denied, refused as malformed (HTTP 4xx), or failed (HTTP 5xx). */
export type Outcome = "allowed" | "denied" | "bad_request" | "error";

export interface WebhookMetrics {
  registry: Registry;
  /** Count one request and its latency in seconds. */
  observe(path: string, outcome: Outcome, seconds: number): void;
}

export function createWebhookMetrics(): WebhookMetrics {
  const registry = new Registry();
  const labelNames = ["path", "outcome"] as const;
  const requests = new Counter({
    name: "discourse_webhook_requests_total",
    help: "Admission requests by path and outcome.",
    labelNames,
    registers: [registry],
  });
  const latency = new Histogram({
    name: "discourse_webhook_request_duration_seconds",
    help: "Time from request to response, by path and outcome.",
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    registry,
    observe(path, outcome, seconds) {
      requests.inc({ path, outcome });
      latency.observe({ path, outcome }, seconds);
    },
  };
}
