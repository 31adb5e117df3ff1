/**
 * One attempt of a test. Integration tests are retried once (`retries` in
 * test/.mocharc.integration.json) in the same namespace, on the same control plane: a retry
 * that makes the same objects meets what the first attempt left (AlreadyExists, a transition
 * that already happened), fails for that reason and hides the first failure. A test that
 * makes objects names them with `attemptName`, so each attempt starts from nothing of its
 * own; a test that changes a shared forum first undoes what a failed attempt may have left.
 *
 * Both read the test's context, which mocha shares between the attempts of a suite's tests:
 * call them before the test's first `await`, since an attempt that timed out keeps running
 * and would read the retry's.
 */

/**
 * Which attempt of its test `ctx` runs: 0 the first, k the k-th retry.
 * @param ctx - the test's `this` (an `it` written with `function`, not an arrow).
 */
export function retryOf(ctx: Mocha.Context): number {
  return (ctx.test as unknown as { currentRetry(): number } | undefined)?.currentRetry() ?? 0;
}

/**
 * `base` on a test's first attempt, `<base><separator>r<k>` on its k-th retry.
 * @param ctx - the test's `this` (an `it` written with `function`, not an arrow).
 * @param base - a name short enough to take three more characters: a DNS label, or with
 *   separator "_" a PostgreSQL identifier.
 */
export function attemptName(ctx: Mocha.Context, base: string, separator: "-" | "_" = "-"): string {
  const retry = retryOf(ctx);
  return retry === 0 ? base : `${base}${separator}r${retry}`;
}
