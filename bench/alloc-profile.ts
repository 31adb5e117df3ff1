/**
 * Preloaded into the operator by `BENCH_ALLOC_PROFILE=<dir> npm run bench`
 * (node --import tsx --import bench/alloc-profile.ts; tsx is loaded only then): V8's
 * sampling heap profiler with the objects the young and old generation collections
 * freed kept in the samples, so the profile tells where
 * the bytes a run allocates come from (what makes the scavenges), not only what
 * stays live. Written to <dir>/<pid>.heapprofile when the process exits
 * (Chrome DevTools' Memory tab, or `npx tsx bench/alloc-summary.ts FILE`).
 * HeapProfiler.startSampling: https://chromedevtools.github.io/devtools-protocol/v8/HeapProfiler/
 */
import { Session } from "node:inspector";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.BENCH_ALLOC_PROFILE;
if (dir) {
  const session = new Session();
  session.connect();
  // one sample per 64 KiB allocated on average (V8's default is 32 KiB)
  session.post("HeapProfiler.startSampling", { samplingInterval: 65536, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  process.on("exit", () => {
    // the in-process session answers synchronously
    session.post("HeapProfiler.stopSampling", (err, res) => {
      if (!err) writeFileSync(join(dir, `${process.pid}.heapprofile`), JSON.stringify(res.profile));
    });
  });
}
