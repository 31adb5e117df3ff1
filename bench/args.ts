/**
 * Command-line options of `npm run bench`:
 * `--instances N` (or BENCH_INSTANCES; default 200), `--drift-trials N`
 * (or BENCH_DRIFT_TRIALS; default 50, at least 50 for a reference run),
 * `--duration S` seconds of each autocannon run (or BENCH_DURATION; default 10),
 * `--shards N` (or BENCH_SHARDS; default 1): with N > 1 the convergence is measured
 * again with N shard processes, `--admission-rounds N` (or BENCH_ADMISSION_ROUNDS;
 * default 12: each of the 4 modes first in 3) rounds of 100 dry-run creates per mode.
 * `--ready-instances N` forums of reconcile.ready_s (or BENCH_READY_INSTANCES; default 10).
 */
export interface BenchArgs {
  instances: number;
  driftTrials: number;
  durationS: number;
  shards: number;
  admissionRounds: number;
  readyInstances: number;
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${text}"`);
  return n;
}

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i >= 0) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

/** @throws Error on a malformed number. */
export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): BenchArgs {
  return {
    instances: positive("--instances", flag(argv, "--instances") ?? env.BENCH_INSTANCES, 200),
    driftTrials: positive("--drift-trials", flag(argv, "--drift-trials") ?? env.BENCH_DRIFT_TRIALS, 50),
    durationS: positive("--duration", flag(argv, "--duration") ?? env.BENCH_DURATION, 10),
    shards: positive("--shards", flag(argv, "--shards") ?? env.BENCH_SHARDS, 1),
    admissionRounds: positive("--admission-rounds", flag(argv, "--admission-rounds") ?? env.BENCH_ADMISSION_ROUNDS, 12),
    readyInstances: positive("--ready-instances", flag(argv, "--ready-instances") ?? env.BENCH_READY_INSTANCES, 10),
  };
}
