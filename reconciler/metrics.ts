/**
 * Prometheus metrics of one reconciler (own registry, so several reconcilers
 * can live in one process, as in tests): write requests sent, reconciles by
 * outcome and their duration, and how long keys waited in the work queue.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface ReconcilerMetrics {
  registry: Registry;
  /** `discourse_operator_write_requests_total{verb,kind}`: POST, PUT, PATCH and DELETE requests sent. */
  writeRequests: Counter<"verb" | "kind">;
  /** `discourse_operator_reconcile_total{outcome}`. */
  reconciles: Counter<"outcome">;
  /** `discourse_operator_reconcile_duration_seconds`. */
  reconcileDuration: Histogram;
  /** `discourse_operator_work_queue_wait_seconds{cause}`: time a key waited in the work queue; cause `event` or `resync`. */
  queueWait: Histogram<"cause">;
  /** `discourse_operator_work_queue_depth{cause}`: keys waiting now, by cause. */
  queueDepth: Gauge<"cause">;
}

/** Keys waiting in the work queue now, by cause. */
export type QueueDepth = () => { event: number; resync: number };

/** @param depth - read when /metrics is scraped. */
export function createMetrics(depth: QueueDepth = () => ({ event: 0, resync: 0 })): ReconcilerMetrics {
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
    queueWait: new Histogram({
      name: "discourse_operator_work_queue_wait_seconds",
      help: "Time a key waited in the work queue before its reconcile started, by cause (event: a change or drift; resync: the periodic resync).",
      labelNames: ["cause"],
      buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: "discourse_operator_work_queue_depth",
      help: "Keys waiting in the work queue, by cause (event or resync).",
      labelNames: ["cause"],
      registers: [registry],
      collect(): void {
        const d = depth();
        this.set({ cause: "event" }, d.event);
        this.set({ cause: "resync" }, d.resync);
      },
    }),
  };
}
