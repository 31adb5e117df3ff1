/**
 * One attempt of a test. Integration tests are retried once (`retries` in
 * test/.mocharc.integration.json) in the same namespace, on the same control plane: a retry
 * that makes the same objects meets what the first attempt left (AlreadyExists, a transition
 * that already happened), fails for that reason and hides the first failure. A test that
 * makes objects names them with `attemptName`, so each attempt starts from nothing of its
 * own; a test that changes a shared forum first undoes what a failed attempt may have left.
 */

/**
 * Which attempt of its test `ctx` runs: 0 the first, k the k-th retry.
 * @param ctx - the test's `this` (an `it` written with `function`, not an arrow).
 */
export function retryOf(ctx: Mocha.Context): number {
  return (ctx.test as unknown as { currentRetry(): number } | undefined)?.currentRetry() ?? 0;
}

/**
 * `base` on a test's first attempt, `<base>-r<k>` on its k-th retry.
 * @param ctx - the test's `this` (an `it` written with `function`, not an arrow).
 * @param base - a DNS label short enough to take three more characters.
 */
export function attemptName(ctx: Mocha.Context, base: string): string {
  const retry = retryOf(ctx);
  return retry === 0 ? base : `${base}-r${retry}`;
}
