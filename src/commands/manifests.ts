/** `discourse-operator manifests`: print, write or check the generated files. */
import { Command } from "commander";
import { REPO_ROOT } from "../envtest/binaries.js";

export function manifestsCommand(): Command {
  return new Command("manifests")
    .description("Generate the CRD, the webhook configurations and docs/reference.md from the API schema")
    .option("--write", "write the files into the repository (what `npm run manifests` does)")
    .option("--check", "exit 1 when a committed generated file is stale")
    .option("--crd-only", "print only the CRD YAML")
    .action(async (opts: { write?: boolean; check?: boolean; crdOnly?: boolean }) => {
      const { generatedFiles, staleGeneratedFiles, writeGeneratedFiles } = await import("../manifests/generate.js");
      if (opts.write) {
        for (const path of writeGeneratedFiles(REPO_ROOT)) console.error(`wrote ${path}`);
      } else if (opts.check) {
        const stale = staleGeneratedFiles(REPO_ROOT);
        for (const path of stale) console.error(`stale: ${path} (run npm run manifests)`);
        if (stale.length > 0) process.exitCode = 1;
      } else {
        for (const [path, content] of generatedFiles()) {
          if (opts.crdOnly && !path.startsWith("manifests/crd/")) continue;
          if (path.endsWith(".yaml")) process.stdout.write(`---\n${content}`);
        }
      }
    });
}
