import { expect } from "chai";
import { referencedSecretNames } from "../../../webhooks/facts/referenced-secrets.js";

describe("facts: referencedSecretNames", () => {
  const cases: Array<{ name: string; object: unknown; want: string[] }> = [
    { name: "defaults only: credentials and TLS by name", object: { metadata: { name: "forum" }, spec: {} }, want: ["forum-db-credentials", "forum-tls"] },
    {
      name: "every reference, duplicates once",
      object: {
        metadata: { name: "forum" },
        spec: {
          database: { credentialsSecret: "db", adminSecret: "pg-admin" },
          redis: { passwordSecret: { name: "shared" } },
          smtp: { passwordSecret: { name: "shared", key: "pw" } },
          ingress: { tlsSecretName: "wildcard" },
        },
      },
      want: ["db", "pg-admin", "shared", "wildcard"],
    },
    { name: "no name, no spec: nothing", object: { metadata: {} }, want: [] },
    { name: "garbage: nothing", object: "garbage", want: [] },
    {
      name: "wrong types are skipped",
      object: { metadata: { name: 3 }, spec: { database: { credentialsSecret: 7 }, redis: "x", smtp: { passwordSecret: [] } } },
      want: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(referencedSecretNames(c.object)).to.deep.equal(c.want);
    });
  }
});
