#!/usr/bin/env node
/**
 * `discourse-operator`: the operator's command line (see `--help` of each command).
 */
import { Command } from "commander";
import { registerCommands } from "./commands/index.js";

const program = new Command()
  .name("discourse-operator")
  .description("Runs Discourse forums on Kubernetes: admission webhooks and a reconciler for discourse.cern/v1alpha1 Discourse.")
  .showHelpAfterError()
  .enablePositionalOptions();

registerCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
