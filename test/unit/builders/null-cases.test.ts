import { expect } from "chai";
import { buildDatabaseClaimResize, buildRedisClaimResize } from "../../../reconciler/builders/database-claim.js";
import { buildDbInitJob } from "../../../reconciler/builders/db-init-job.js";
import { buildIngress } from "../../../reconciler/builders/ingress.js";
import { buildNetworkPolicy } from "../../../reconciler/builders/network-policy.js";
import { buildPodDisruptionBudget } from "../../../reconciler/builders/pod-disruption-budget.js";
import { buildPostgresqlInitConfigMap } from "../../../reconciler/builders/postgresql-init-configmap.js";
import { buildPostgresqlService } from "../../../reconciler/builders/postgresql-service.js";
import { buildPostgresqlStatefulSet } from "../../../reconciler/builders/postgresql-statefulset.js";
import { buildRedisStatefulSet } from "../../../reconciler/builders/redis-statefulset.js";
import { buildDiscourseServiceAccount, buildSccRoleBinding } from "../../../reconciler/builders/scc-role-binding.js";
import { buildRedisService } from "../../../reconciler/builders/redis-service.js";
import { buildRoute } from "../../../reconciler/builders/route.js";
import type { DefaultedDiscourse } from "../../../src/api/types.js";
import { marketplace, rootForum, withSpec } from "./fixtures.js";

type Builder = (obj: DefaultedDiscourse) => unknown;

const replicas = (n: number) => withSpec(rootForum(), (s) => { s.replicas = n; });
const exposure = (enabled: boolean, kind: "Ingress" | "Route") => withSpec(rootForum(), (s) => { s.ingress.enabled = enabled; s.ingress.kind = kind; });
const externalRedis = withSpec(rootForum(), (s) => { s.redis.host = "redis.cern.ch"; });
const externalDb = withSpec(rootForum(), (s) => { s.database.host = "db.cern.ch"; });
const externalBoth = withSpec(externalDb, (s) => { s.redis.host = "redis.cern.ch"; });
const externalNoAdmin = withSpec(marketplace(), (s) => { delete s.database.adminSecret; });
const managedWithAdmin = withSpec(rootForum(), (s) => { s.database.adminSecret = "admin"; });

const cases: { name: string; build: Builder; obj: DefaultedDiscourse; exists: boolean }[] = [
  { name: "PodDisruptionBudget at 0 replicas", build: buildPodDisruptionBudget, obj: replicas(0), exists: false },
  { name: "PodDisruptionBudget at 1 replica", build: buildPodDisruptionBudget, obj: replicas(1), exists: false },
  { name: "PodDisruptionBudget at 2 replicas", build: buildPodDisruptionBudget, obj: replicas(2), exists: true },
  { name: "Ingress when kind is Ingress", build: buildIngress, obj: exposure(true, "Ingress"), exists: true },
  { name: "Ingress when kind is Route", build: buildIngress, obj: exposure(true, "Route"), exists: false },
  { name: "Ingress when disabled", build: buildIngress, obj: exposure(false, "Ingress"), exists: false },
  { name: "Route when kind is Route", build: buildRoute, obj: exposure(true, "Route"), exists: true },
  { name: "Route when kind is Ingress", build: buildRoute, obj: exposure(true, "Ingress"), exists: false },
  { name: "Route when disabled", build: buildRoute, obj: exposure(false, "Route"), exists: false },
  { name: "Redis StatefulSet when managed", build: buildRedisStatefulSet, obj: rootForum(), exists: true },
  { name: "Redis StatefulSet when external", build: buildRedisStatefulSet, obj: externalRedis, exists: false },
  { name: "Redis claim resize when external", build: buildRedisClaimResize, obj: externalRedis, exists: false },
  { name: "ServiceAccount with an Ingress (not OpenShift)", build: buildDiscourseServiceAccount, obj: exposure(true, "Ingress"), exists: false },
  { name: "ServiceAccount with a Route (OpenShift)", build: buildDiscourseServiceAccount, obj: exposure(true, "Route"), exists: true },
  { name: "SCC RoleBinding with an Ingress (not OpenShift)", build: buildSccRoleBinding, obj: exposure(true, "Ingress"), exists: false },
  { name: "SCC RoleBinding with a Route (OpenShift)", build: buildSccRoleBinding, obj: exposure(true, "Route"), exists: true },
  { name: "Redis Service when external", build: buildRedisService, obj: externalRedis, exists: false },
  { name: "PostgreSQL StatefulSet when managed", build: buildPostgresqlStatefulSet, obj: rootForum(), exists: true },
  { name: "PostgreSQL StatefulSet when external", build: buildPostgresqlStatefulSet, obj: externalDb, exists: false },
  { name: "PostgreSQL Service when external", build: buildPostgresqlService, obj: externalDb, exists: false },
  { name: "PostgreSQL init ConfigMap when external", build: buildPostgresqlInitConfigMap, obj: externalDb, exists: false },
  { name: "database claim resize when external", build: buildDatabaseClaimResize, obj: externalDb, exists: false },
  { name: "db-init Job when external with adminSecret", build: buildDbInitJob, obj: marketplace(), exists: true },
  { name: "db-init Job when external without adminSecret", build: buildDbInitJob, obj: externalNoAdmin, exists: false },
  { name: "db-init Job when managed (adminSecret ignored)", build: buildDbInitJob, obj: managedWithAdmin, exists: false },
  { name: "NetworkPolicy when only Redis is managed", build: buildNetworkPolicy, obj: externalDb, exists: true },
  { name: "NetworkPolicy when only PostgreSQL is managed", build: buildNetworkPolicy, obj: externalRedis, exists: true },
  { name: "NetworkPolicy when neither is managed", build: buildNetworkPolicy, obj: externalBoth, exists: false },
];

describe("builders: when a child must not exist", () => {
  for (const c of cases) {
    it(`${c.name}: ${c.exists ? "built" : "null"}`, () => {
      const got = c.build(c.obj);
      if (c.exists) expect(got).to.be.an("object");
      else expect(got).to.equal(null);
    });
  }
});
