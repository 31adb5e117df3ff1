/** Registers every subcommand on the program. */
import type { Command } from "commander";
import { installCommand } from "./install.js";
import { manifestsCommand } from "./manifests.js";
import { reconcilerCommand } from "./reconciler.js";
import { runCommand } from "./run.js";
import { validateCommand } from "./validate.js";
import { webhookCommand } from "./webhook.js";

export function registerCommands(program: Command): void {
  program
    .addCommand(runCommand())
    .addCommand(webhookCommand())
    .addCommand(reconcilerCommand())
    .addCommand(installCommand())
    .addCommand(validateCommand())
    .addCommand(manifestsCommand());
}
