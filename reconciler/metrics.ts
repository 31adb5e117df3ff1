/**
 * Prometheus metrics of one reconciler (own registry, so several reconcilers
 * can live in one process, as in tests): write requests sent, reconciles by
 * outcome and their duration.
 */
import { Counter, Histogram, Registry } from "prom-client";

export interface ReconcilerMetrics {
  registry: Registry;
  /** `discourse_operator_write_requests_total{verb,kind}`: POST, PUT, PATCH and DELETE requests sent. */
  writeRequests: Counter<"verb" | "kind">;
  /** `discourse_operator_reconcile_total{outcome}`. */
  reconciles: Counter<"outcome">;
  /** `discourse_operator_reconcile_duration_seconds`. */
  reconcileDuration: Histogram;
}

export function createMetrics(): ReconcilerMetrics {
  const registry = new Registry();
  return {
    registry,
    writeRequests: new Counter({
      name: "discourse_operator_write_requests_total",
      help: "Write requests (POST, PUT, PATCH, DELETE) the reconciler sent to the API server, by verb and kind.",
      labelNames: ["verb", "kind"],
      registers: [registry],
    }),
    reconciles: new Counter({ name: "discourse_operator_reconcile_total", help: "Reconciles by outcome.", labelNames: ["outcome"], registers: [registry] }),
    reconcileDuration: new Histogram({
      name: "discourse_operator_reconcile_duration_seconds",
      help: "Duration of one reconcile.",
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
