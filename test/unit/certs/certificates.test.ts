import { expect } from "chai";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultCertificateOptions, serviceDnsNames } from "../../../certs/dns-names.js";
import { FolderCertificateStore } from "../../../certs/folder-store.js";
import { createCertificateSet, generateCa, generateServingCertificate } from "../../../certs/generate.js";
import { renewCertificateSet, renewalReason, renewalTime } from "../../../certs/renew.js";
import { loadOrCreateCertificates } from "../../../certs/rotation.js";
import { isSignedBy, splitPemBundle, subjectAltNames, validity } from "../../../certs/x509.js";
import type { CertificateSet } from "../../../certs/types.js";

const DAY = 24 * 3600_000;
const options = defaultCertificateOptions({ validityMs: 90 * DAY, backdateMs: 0 });
const t0 = new Date("2030-01-01T00:00:00Z");

describe("certs", function () {
  this.timeout(20000);
  let set: CertificateSet;
  before(async () => {
    set = await createCertificateSet(options, t0);
  });

  it("names the webhook Service the way the apiserver dials it", () => {
    expect(serviceDnsNames()).to.deep.equal([
      "discourse-operator-webhook.discourse-operator-system.svc",
      "discourse-operator-webhook",
      "discourse-operator-webhook.discourse-operator-system",
      "discourse-operator-webhook.discourse-operator-system.svc.cluster.local",
    ]);
  });

  it("the CA signs the serving certificate, and the bundle holds that CA only", () => {
    expect(isSignedBy(set.cert, set.caCert)).to.equal(true);
    expect(splitPemBundle(set.caBundle)).to.deep.equal([set.caCert.trim() + "\n"]);
  });

  it("a CA does not verify a certificate signed by another CA", async () => {
    const other = await generateCa(options, t0);
    expect(isSignedBy(set.cert, other.cert)).to.equal(false);
  });

  it("the serving certificate carries every Service DNS name, localhost and 127.0.0.1", () => {
    expect(subjectAltNames(set.cert)).to.deep.equal({
      dns: [...serviceDnsNames(), "localhost"],
      ips: ["127.0.0.1"],
    });
  });

  it("validity spans the configured lifetime; renewal is due at 2/3 of it", () => {
    expect(validity(set.cert)).to.deep.equal({ notBefore: t0, notAfter: new Date(t0.getTime() + 90 * DAY) });
    expect(renewalTime(set, options)).to.deep.equal(new Date(t0.getTime() + 60 * DAY));
  });

  const reasons = [
    { name: "fresh: nothing to do", at: 1 * DAY, extra: {}, want: null },
    { name: "just before 2/3: nothing to do", at: 60 * DAY - 1000, extra: {}, want: null },
    { name: "at 2/3: renew", at: 60 * DAY, extra: {}, want: "renewal time reached" },
    { name: "expired: renew", at: 100 * DAY, extra: {}, want: "renewal time reached" },
    {
      name: "a name the certificate lacks: renew",
      at: DAY,
      extra: { dnsNames: [...serviceDnsNames("discourse-operator-webhook", "other-ns")], ipAddresses: ["127.0.0.1", "::1"] },
      want:
        "serving certificate does not cover discourse-operator-webhook.other-ns.svc, discourse-operator-webhook.other-ns, " +
        "discourse-operator-webhook.other-ns.svc.cluster.local, ::1",
    },
  ];
  for (const c of reasons) {
    it(`renewalReason: ${c.name}`, () => {
      expect(renewalReason(set, { ...options, ...c.extra }, new Date(t0.getTime() + c.at))).to.equal(c.want);
    });
  }

  it("a renewal makes a new CA and keeps the old one in the bundle: old CA + new CA", async () => {
    const at = new Date(t0.getTime() + 60 * DAY);
    const renewed = await renewCertificateSet(set, options, at);
    const bundle = splitPemBundle(renewed.caBundle);
    expect(bundle).to.deep.equal([set.caCert.trim() + "\n", renewed.caCert.trim() + "\n"]);
    expect(renewed.caCert).to.not.equal(set.caCert);
    expect(isSignedBy(renewed.cert, renewed.caCert)).to.equal(true);
    // Both the certificate served before and the one served after verify against the bundle.
    expect(bundle.some((ca) => isSignedBy(set.cert, ca))).to.equal(true);
    expect(bundle.some((ca) => isSignedBy(renewed.cert, ca))).to.equal(true);

    const again = await renewCertificateSet(renewed, options, new Date(at.getTime() + 60 * DAY));
    expect(splitPemBundle(again.caBundle), "the oldest CA leaves the bundle").to.deep.equal([
      renewed.caCert.trim() + "\n",
      again.caCert.trim() + "\n",
    ]);
  });

  it("a renewal drops a previous CA that has already expired", async () => {
    const renewed = await renewCertificateSet(set, options, new Date(t0.getTime() + 91 * DAY));
    expect(splitPemBundle(renewed.caBundle)).to.deep.equal([renewed.caCert.trim() + "\n"]);
  });

  it("generateServingCertificate refuses an empty name list", async () => {
    const ca = { cert: set.caCert, key: set.caKey };
    let error: unknown;
    await generateServingCertificate(ca, { ...options, dnsNames: [] }, t0).catch((e: unknown) => (error = e));
    expect((error as Error).message).to.equal("a serving certificate needs at least one DNS name");
  });

  describe("folder store, load-or-create", () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), "certs-"));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("creates once, then loads the same set after a restart, keys with mode 0600", async () => {
      const now = (): Date => new Date();
      const opts = defaultCertificateOptions({ validityMs: 10 * DAY });
      const first = await loadOrCreateCertificates(new FolderCertificateStore(dir), opts, now);
      const second = await loadOrCreateCertificates(new FolderCertificateStore(dir), opts, now);
      expect([first.outcome, second.outcome]).to.deep.equal(["created", "loaded"]);
      expect(second.stored).to.deep.equal(first.stored);
      expect((await stat(join(dir, "tls.key"))).mode & 0o777).to.equal(0o600);
      expect((await stat(join(dir, "ca.key"))).mode & 0o777).to.equal(0o600);
    });

    it("renews a stored set that is due, keeping its CA in the bundle", async () => {
      const opts = defaultCertificateOptions({ validityMs: 3 * DAY, backdateMs: 0 });
      const start = new Date();
      const first = await loadOrCreateCertificates(new FolderCertificateStore(dir), opts, () => start);
      const later = new Date(start.getTime() + 2 * DAY + 1000);
      const second = await loadOrCreateCertificates(new FolderCertificateStore(dir), opts, () => later);
      expect(second.outcome).to.equal("renewed");
      expect(splitPemBundle(second.stored.set.caBundle)).to.deep.equal([
        first.stored.set.caCert.trim() + "\n",
        second.stored.set.caCert.trim() + "\n",
      ]);
      expect((await new FolderCertificateStore(dir).load())?.set).to.deep.equal(second.stored.set);
    });

    it("refuses to overwrite what someone else wrote since it was read", async () => {
      const store = new FolderCertificateStore(dir);
      expect(await store.save(set, null)).to.be.a("string");
      expect(await store.save(set, null)).to.equal(null);
      expect(await store.save(set, "stale-version")).to.equal(null);
    });
  });
});
