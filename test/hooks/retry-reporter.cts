/**
 * The spec reporter, and a line with the error each time a test fails an attempt that is
 * retried (`retries` in test/.mocharc.integration.json). Mocha's own reporters print only the
 * last attempt, so a test that fails twice shows the second failure (often "already exists",
 * the first attempt's leftover) and hides the first, the one that says what went wrong.
 *
 * CommonJS (`.cts`) because mocha 11 loads a reporter given by path with `require`.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS import that verbatimModuleSyntax asks of a .cts file
import Mocha = require("mocha");

const { EVENT_TEST_RETRY } = Mocha.Runner.constants;

class SpecWithRetries extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.on(EVENT_TEST_RETRY, (test: Mocha.Test, err: unknown) => {
      const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
      process.stdout.write(`    ↻ "${test.fullTitle()}" failed; retrying. The failure:\n${indent(detail)}\n`);
    });
  }
}

/** `text` with every line indented by eight spaces, as the spec reporter indents its errors. */
function indent(text: string): string {
  return text.split("\n").map((line) => `        ${line}`).join("\n");
}

export = SpecWithRetries;
