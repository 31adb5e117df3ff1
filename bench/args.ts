/**
 * Command-line options of `npm run bench`:
 * `--instances N` (or BENCH_INSTANCES; default 200), `--drift-trials N`
 * (or BENCH_DRIFT_TRIALS; default 50, at least 50 for a reference run),
 * `--duration S` seconds of each autocannon run (or BENCH_DURATION; default 10),
 * `--ready-instances N` forums of reconcile.ready_s (or BENCH_READY_INSTANCES; default 10).
 */
export interface BenchArgs {
  instances: number;
  driftTrials: number;
  durationS: number;
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
    readyInstances: positive("--ready-instances", flag(argv, "--ready-instances") ?? env.BENCH_READY_INSTANCES, 10),
  };
}
