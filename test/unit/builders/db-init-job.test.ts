import { expect } from "chai";
import { buildDbInitJob, DB_INIT_SCRIPT } from "../../../reconciler/builders/db-init-job.js";
import { marketplace } from "./fixtures.js";
import { arbitraryUidPod, labels, meta, restrictedContainer } from "./expected.js";

describe("builders/db-init-job", () => {
  it("marketplace: the whole Job; passwords only through secretKeyRef", () => {
    expect(buildDbInitJob(marketplace())).to.deep.equal({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: meta("marketplace", "db-init", "marketplace-db-init"),
      spec: {
        backoffLimit: 6,
        template: {
          metadata: { labels: labels("marketplace", "db-init") },
          spec: {
            restartPolicy: "Never",
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: arbitraryUidPod, // marketplace is exposed by a Route: OpenShift
            containers: [
              {
                name: "db-init",
                image: "docker.io/pgvector/pgvector:0.8.6-pg16",
                imagePullPolicy: "IfNotPresent",
                command: ["/bin/sh", "-c", DB_INIT_SCRIPT],
                env: [
                  { name: "PGHOST", value: "dbod-market.cern.ch" },
                  { name: "PGPORT", value: "6600" },
                  { name: "PGSSLMODE", value: "require" },
                  { name: "PGCONNECT_TIMEOUT", value: "10" },
                  { name: "PGUSER", valueFrom: { secretKeyRef: { name: "dbod-admin", key: "username" } } },
                  { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: "dbod-admin", key: "password" } } },
                  { name: "DB_USER", value: "marketplace" },
                  { name: "DB_NAME", value: "marketplace" },
                  { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "marketplace-db-credentials", key: "password" } } },
                ],
                securityContext: restrictedContainer,
              },
            ],
          },
        },
      },
    });
  });

  const scriptParts = [
    { name: "stops on the first SQL error", part: "psql -v ON_ERROR_STOP=1 -d postgres" },
    { name: "reads the password from the environment, not the command line", part: "\\getenv db_password DB_PASSWORD" },
    { name: "creates the role only when missing", part: "WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'db_user')\\gexec" },
    { name: "quotes the password as a literal", part: "format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'db_user', :'db_password')" },
    { name: "creates the database only when missing", part: "WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db_name')\\gexec" },
    { name: "creates hstore in the new database", part: "CREATE EXTENSION IF NOT EXISTS hstore;" },
    { name: "creates pg_trgm in the new database", part: "CREATE EXTENSION IF NOT EXISTS pg_trgm;" },
  ];
  for (const c of scriptParts) it(`script ${c.name}`, () => expect(DB_INIT_SCRIPT).to.include(c.part));

  it("script never expands a password in the shell", () => {
    expect(DB_INIT_SCRIPT).to.not.match(/\$\{?(DB_PASSWORD|PGPASSWORD)/);
  });
});
