import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ENTRYPOINT_SCRIPT, shippedMallocArenaMax, shippedNodeFlags, shippedNodeOptions } from "../../../bench/heap-flags.js";
import { ROOT } from "./load.js";

describe("V8 heap flags where the product starts Node", () => {
  it("the Dockerfile's NODE_OPTIONS are the reconciler manifest's, which the benchmark uses", () => {
    const dockerfile = /^ENV NODE_OPTIONS="([^"]+)"$/m.exec(readFileSync(join(ROOT, "Dockerfile"), "utf8"))?.[1];
    expect(dockerfile).to.match(/--max-semi-space-size=\d+/).and.to.match(/--max-old-space-size=\d+/);
    expect(shippedNodeOptions()).to.equal(dockerfile);
  });

  it("npm start passes the same flags to node", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    const flags = [...shippedNodeFlags(), shippedNodeOptions()].join(" ");
    expect(pkg.scripts.start).to.include(`MALLOC_ARENA_MAX=${shippedMallocArenaMax()} node ${flags} --import tsx src/cli.ts run`);
  });

  it("the reconciler's command is the image's entrypoint with --optimize-for-size, which Node refuses in NODE_OPTIONS", () => {
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(readFileSync(join(ROOT, "Dockerfile"), "utf8"))?.[1];
    expect(JSON.parse(entrypoint ?? "[]")).to.deep.equal(["node", ENTRYPOINT_SCRIPT]);
    expect(shippedNodeFlags()).to.deep.equal(["--optimize-for-size"]);
  });

  it("the Dockerfile's MALLOC_ARENA_MAX is the reconciler manifest's", () => {
    const dockerfile = /^ENV MALLOC_ARENA_MAX=(\d+)$/m.exec(readFileSync(join(ROOT, "Dockerfile"), "utf8"))?.[1];
    expect(dockerfile).to.equal(shippedMallocArenaMax());
  });
});
