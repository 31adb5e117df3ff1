/** `discourse-operator validate -f FILE`: the admission rules, offline. */
import { Command } from "commander";
import { readFileSync } from "node:fs";
import { KIND } from "../api/constants.js";

/**
 * Validates every Discourse in `text`.
 * @returns the lines to print and whether every object is valid.
 */
export async function validateText(text: string, source: string): Promise<{ lines: string[]; ok: boolean }> {
  const { validateDocument, formatErrors, formatWarnings } = await import("../../webhooks/validation/index.js");
  const lines: string[] = [];
  let ok = true;
  const results = validateDocument(text);
  if (results.length === 0) lines.push(`${source}: no ${KIND} found`);
  for (const { name, result } of results) {
    lines.push(...formatWarnings(result.warnings).map((w) => `${source}: ${w}`));
    if (result.errors.length > 0) {
      ok = false;
      lines.push(`${source}: ${formatErrors(KIND, name, result.errors)}`);
    } else {
      lines.push(`${source}: ${KIND} "${name}" is valid`);
    }
  }
  return { lines, ok };
}

export function validateCommand(): Command {
  return new Command("validate")
    .description("Validate Discourse YAML offline with the webhook's rules and messages (exit 1 on a problem)")
    .requiredOption("-f, --filename <file...>", "YAML file(s), multi-document allowed; - for standard input")
    .action(async (opts: { filename: string[] }) => {
      let allOk = true;
      for (const file of opts.filename) {
        const text = readFileSync(file === "-" ? 0 : file, "utf8");
        const { lines, ok } = await validateText(text, file === "-" ? "stdin" : file);
        for (const line of lines) (ok ? console.log : console.error)(line);
        allOk &&= ok;
      }
      if (!allOk) process.exitCode = 1;
    });
}
