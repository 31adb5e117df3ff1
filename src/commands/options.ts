/** Option parsing shared by the subcommands. */
import { InvalidArgumentError } from "commander";
import type { KubeConfig } from "@kubernetes/client-node";
import type { ClusterAccess } from "../kube/cluster-access.js";
import { parseShard, type Shard } from "../../reconciler/shard/shard.js";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a Go-style duration (`500ms`, `30s`, `10m`, `1h30m`) into milliseconds.
 * @throws InvalidArgumentError on anything else.
 */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) {
    throw new InvalidArgumentError(`not a duration: "${text}" (use e.g. 30s, 10m, 1h)`);
  }
  return parts.reduce((ms, p) => ms + Number(p[1]) * (UNITS[p[2] ?? "ms"] ?? 1), 0);
}

/** Parses a TCP port, 0 to 65535. */
export function parsePort(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`not a port: "${text}"`);
  return n;
}

/** Parses a positive integer. */
export function parsePositive(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`not a positive integer: "${text}"`);
  return n;
}

/**
 * Parses a bind address `[host]:port` (`:8080`, `127.0.0.1:8080`); `0` disables.
 * @returns null when disabled.
 */
export function parseBindAddress(text: string): { host: string; port: number } | null {
  if (text === "0") return null;
  const m = /^(.*):(\d+)$/.exec(text);
  if (!m) throw new InvalidArgumentError(`not a bind address: "${text}" (use :8080 or 127.0.0.1:8080, or 0 to disable)`);
  return { host: m[1] || "0.0.0.0", port: parsePort(m[2] ?? "") };
}

/** The namespace the operator runs in: POD_NAMESPACE (downward API), else the default. */
export function podNamespace(fallback: string): string {
  return process.env.POD_NAMESPACE || fallback;
}

/** The kubeconfig from --kubeconfig, or the default rules (KUBECONFIG, ~/.kube/config, in-cluster). */
export async function kubeConfigFrom(opts: { kubeconfig?: string }): Promise<KubeConfig> {
  const { loadKubeConfig } = await import("../kube/config.js");
  return loadKubeConfig(opts.kubeconfig);
}

/**
 * The cluster from --kubeconfig or the default rules, without loading
 * @kubernetes/client-node for the common kubeconfigs (src/kube/cluster-access.ts).
 */
export async function clusterAccessFrom(opts: { kubeconfig?: string }): Promise<ClusterAccess> {
  const { loadClusterAccess } = await import("../kube/cluster-access.js");
  return loadClusterAccess(opts.kubeconfig);
}

/** Parses `--shard <index>/<count>` (see reconciler/shard/shard.ts). */
export function parseShardOption(text: string): Shard {
  try {
    return parseShard(text);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
}
