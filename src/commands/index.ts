/** Registers every subcommand on the program. */
import type { Command } from "commander";
import { manifestsCommand } from "./manifests.js";

export function registerCommands(program: Command): void {
  program.addCommand(manifestsCommand());
}
