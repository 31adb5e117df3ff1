/**
 * The apiserver's requests during a timed phase, by verb and resource: what the operator
 * asks of the apiserver beyond the plain client's writes (reconcile.ratio's extra time).
 * From kube-apiserver's `apiserver_request_total` counter (labels verb, resource,
 * subresource, code; https://kubernetes.io/docs/reference/instrumentation/metrics/),
 * read before and after the phase; every client's requests count (the controller
 * manager's too), watches as the WATCH verb when they start.
 * In `.bench/latest.detail.json` (`requestsFloor`, `requestsConverge`).
 */
import type { BenchCluster } from "./cluster.js";

type Counts = Map<string, number>;

const SAMPLE = /^apiserver_request_total\{([^}]*)\}\s+([0-9.e+]+)$/;

function label(labels: string, name: string): string {
  return new RegExp(`(?:^|,)${name}="([^"]*)"`).exec(labels)?.[1] ?? "";
}

/** Sums `apiserver_request_total` by "VERB resource[/subresource]" from a /metrics text. */
export function requestCounts(text: string): Counts {
  const out: Counts = new Map();
  for (const line of text.split("\n")) {
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const sub = label(m[1]!, "subresource");
    const key = `${label(m[1]!, "verb")} ${label(m[1]!, "resource")}${sub ? `/${sub}` : ""}`;
    out.set(key, (out.get(key) ?? 0) + Number(m[2]));
  }
  return out;
}

async function scrape(cluster: BenchCluster): Promise<Counts> {
  const res = await cluster.api("GET", "/metrics");
  return requestCounts(typeof res.body === "string" ? res.body : "");
}

/**
 * Starts counting. @returns a function giving the requests since, by "VERB resource",
 * the largest first, with their total under "all".
 */
export async function requestMeter(cluster: BenchCluster): Promise<() => Promise<Record<string, number>>> {
  const start = await scrape(cluster);
  return async () => {
    const end = await scrape(cluster);
    const diff = [...end].map(([k, v]) => [k, v - (start.get(k) ?? 0)] as const).filter(([, v]) => v > 0);
    diff.sort((a, b) => b[1] - a[1]);
    return { all: diff.reduce((s, [, v]) => s + v, 0), ...Object.fromEntries(diff) };
  };
}

/**
 * The Events of `namespace` by "source reason", each with its count summed (a repeat
 * bumps `count`, a PATCH): which component's Events the phase's POST and PATCH events were.
 */
export async function eventReasons(cluster: BenchCluster, namespace: string): Promise<Record<string, number>> {
  const out = new Map<string, number>();
  let cont = "";
  do {
    const res = await cluster.api("GET", `/api/v1/namespaces/${namespace}/events?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`);
    const body = res.body as { items?: { reason?: string; count?: number; source?: { component?: string }; reportingComponent?: string }[]; metadata?: { continue?: string } };
    for (const e of body.items ?? []) {
      const key = `${e.source?.component || e.reportingComponent || "?"} ${e.reason ?? "?"}`;
      out.set(key, (out.get(key) ?? 0) + (e.count ?? 1));
    }
    cont = body.metadata?.continue ?? "";
  } while (cont);
  return Object.fromEntries([...out].sort((a, b) => b[1] - a[1]));
}
