/**
 * checkSpec, the reconciler's defence in depth: a valid Discourse is handed back
 * defaulted, an invalid one reported with its fields; the validation outcome is kept
 * per cached object (a new version, or another platform, is validated again), and
 * every call returns a defaulted copy of its own.
 */
import { expect } from "chai";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import { checkSpec } from "../../../reconciler/steps/check-spec.js";
import { rootForum, withSpec } from "../builders/fixtures.js";

describe("checkSpec", () => {
  it("answers a version asked again as the first time, with a copy of its own; a broken version and another platform are checked for themselves", () => {
    const valid = rootForum() as unknown as KubeObject;
    const first = checkSpec(valid, false);
    const second = checkSpec(valid, false);
    expect(first.ok && second.ok).to.equal(true);
    if (!first.ok || !second.ok) return;
    expect(second.obj, "a copy per call").to.not.equal(first.obj);
    expect(second.obj).to.deep.equal(first.obj);
    const broken = withSpec(rootForum(), (s) => { s.replicas = -1; }) as unknown as KubeObject;
    const refused = checkSpec(broken, false);
    expect(refused.ok).to.equal(false);
    if (!refused.ok) expect(refused.message).to.match(/^invalid spec: .*replicas/);
    expect(checkSpec(broken, false)).to.deep.equal(refused);
    expect(checkSpec(valid, true).ok, "the other platform").to.equal(true);
  });
});
