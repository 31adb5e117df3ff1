import { expect } from "chai";
import { buildEnvConfigMap, configHash } from "../../../reconciler/builders/env-configmap.js";
import { marketplace, rootForum, withSpec } from "./fixtures.js";

describe("builders/env-configmap", () => {
  it("root-forum: the whole ConfigMap (managed backends, SMTP, literal user env)", () => {
    expect(buildEnvConfigMap(rootForum())).to.deep.equal({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "root-forum-env",
        namespace: "forums",
        labels: {
          "app.kubernetes.io/name": "discourse",
          "app.kubernetes.io/instance": "root-forum",
          "app.kubernetes.io/component": "config",
          "app.kubernetes.io/managed-by": "discourse-operator",
        },
        ownerReferences: [
          {
            apiVersion: "discourse.cern/v1alpha1",
            kind: "Discourse",
            name: "root-forum",
            uid: "0b5e7c1e-1111-4a6b-9c1d-000000000001",
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      data: {
        DISCOURSE_DB_HOST: "root-forum-postgresql",
        DISCOURSE_DB_NAME: "root_forum",
        DISCOURSE_DB_PORT: "5432",
        DISCOURSE_DB_USERNAME: "root_forum",
        DISCOURSE_DEVELOPER_EMAILS: "admin@cern.ch,ops@cern.ch",
        DISCOURSE_HOSTNAME: "root-forum.web.cern.ch",
        DISCOURSE_MAX_REQS_PER_IP_MODE: "warn",
        DISCOURSE_NOTIFICATION_EMAIL: "noreply-root-forum@cern.ch",
        DISCOURSE_REDIS_HOST: "root-forum-redis",
        DISCOURSE_REDIS_PORT: "6379",
        DISCOURSE_SERVE_STATIC_ASSETS: "true",
        DISCOURSE_SMTP_ADDRESS: "cernmx.cern.ch",
        DISCOURSE_SMTP_DOMAIN: "cern.ch",
        DISCOURSE_SMTP_ENABLE_START_TLS: "true",
        DISCOURSE_SMTP_PORT: "587",
        DISCOURSE_SMTP_USER_NAME: "root-forum",
        PGSSLMODE: "disable",
        RAILS_ENV: "production",
        RAILS_LOG_TO_STDOUT: "1",
      },
    });
  });

  const dataCases = [
    {
      name: "marketplace: external database and Redis, no SMTP",
      obj: marketplace(),
      want: {
        DISCOURSE_DB_HOST: "dbod-market.cern.ch",
        DISCOURSE_DB_NAME: "marketplace",
        DISCOURSE_DB_PORT: "6600",
        DISCOURSE_DB_USERNAME: "marketplace",
        DISCOURSE_DEVELOPER_EMAILS: "seller@cern.ch",
        DISCOURSE_HOSTNAME: "marketplace.cern.ch",
        DISCOURSE_REDIS_HOST: "redis.shared.svc",
        DISCOURSE_REDIS_PORT: "6380",
        DISCOURSE_SERVE_STATIC_ASSETS: "true",
        PGSSLMODE: "require",
        RAILS_ENV: "production",
        RAILS_LOG_TO_STDOUT: "1",
      },
    },
    {
      name: "SMTP without user, domain, sender; STARTTLS off",
      obj: withSpec(marketplace(), (s) => {
        s.smtp = { host: "smtp.cern.ch", port: 25, enableStartTLS: false };
      }),
      want: {
        DISCOURSE_DB_HOST: "dbod-market.cern.ch",
        DISCOURSE_DB_NAME: "marketplace",
        DISCOURSE_DB_PORT: "6600",
        DISCOURSE_DB_USERNAME: "marketplace",
        DISCOURSE_DEVELOPER_EMAILS: "seller@cern.ch",
        DISCOURSE_HOSTNAME: "marketplace.cern.ch",
        DISCOURSE_REDIS_HOST: "redis.shared.svc",
        DISCOURSE_REDIS_PORT: "6380",
        DISCOURSE_SERVE_STATIC_ASSETS: "true",
        DISCOURSE_SMTP_ADDRESS: "smtp.cern.ch",
        DISCOURSE_SMTP_ENABLE_START_TLS: "false",
        DISCOURSE_SMTP_PORT: "25",
        PGSSLMODE: "require",
        RAILS_ENV: "production",
        RAILS_LOG_TO_STDOUT: "1",
      },
    },
    {
      name: "user env may override a base setting but never an operator-owned one",
      obj: withSpec(marketplace(), (s) => {
        s.env = [
          { name: "DISCOURSE_SERVE_STATIC_ASSETS", value: "false" },
          { name: "DISCOURSE_HOSTNAME", value: "evil.example.com" },
          { name: "DISCOURSE_EMPTY" },
        ];
      }),
      want: {
        DISCOURSE_DB_HOST: "dbod-market.cern.ch",
        DISCOURSE_DB_NAME: "marketplace",
        DISCOURSE_DB_PORT: "6600",
        DISCOURSE_DB_USERNAME: "marketplace",
        DISCOURSE_DEVELOPER_EMAILS: "seller@cern.ch",
        DISCOURSE_EMPTY: "",
        DISCOURSE_HOSTNAME: "marketplace.cern.ch",
        DISCOURSE_REDIS_HOST: "redis.shared.svc",
        DISCOURSE_REDIS_PORT: "6380",
        DISCOURSE_SERVE_STATIC_ASSETS: "false",
        PGSSLMODE: "require",
        RAILS_ENV: "production",
        RAILS_LOG_TO_STDOUT: "1",
      },
    },
  ];
  for (const c of dataCases) it(c.name, () => expect(buildEnvConfigMap(c.obj).data).to.deep.equal(c.want));

  it("keys are sorted (stable serialisation)", () => {
    const keys = Object.keys(buildEnvConfigMap(rootForum()).data ?? {});
    expect(keys).to.deep.equal([...keys].sort());
  });

  const hashes: { name: string; a: Record<string, string>; b: Record<string, string>; same: boolean }[] = [
    { name: "same data in another key order gives the same hash", a: { A: "1", B: "2" }, b: { B: "2", A: "1" }, same: true },
    { name: "a changed value changes the hash", a: { A: "1", B: "2" }, b: { A: "1", B: "3" }, same: false },
    { name: "moving text between key and value changes the hash", a: { AB: "" }, b: { A: "B" }, same: false },
  ];
  for (const c of hashes) {
    it(`configHash: ${c.name}`, () => expect(configHash(c.a) === configHash(c.b)).to.equal(c.same));
  }

  it("configHash is a sha256 hex digest", () => expect(configHash({})).to.match(/^[0-9a-f]{64}$/));
});
