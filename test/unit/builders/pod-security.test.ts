/**
 * Every pod the operator makes, checked against the restricted Pod Security Standard and,
 * on OpenShift, against the SCC it is admitted under (test/support/pod-security.ts):
 * restricted-v2 for PostgreSQL, Redis and the db-init Job (images that run as any uid:
 * docker-library/postgres docker-entrypoint.sh nss_wrapper; redis writes only its dir),
 * nonroot-v2 for the Discourse pods (uid 1000 owns /var/www/discourse: discourse_docker
 * image/base/Dockerfile), which the forum's RoleBinding grants.
 */
import { expect } from "chai";
import type { V1PodSpec } from "@kubernetes/client-node";
import { buildAll, type DesiredChild } from "../../../reconciler/builders/index.js";
import type { RoleBinding } from "../../../reconciler/builders/scc-role-binding.js";
import type { DefaultedDiscourse } from "../../../src/api/types.js";
import { podViolations, type Profile } from "../../support/pod-security.js";
import { marketplace, rootForum, withSpec } from "./fixtures.js";

/** root-forum with an external database that has an admin Secret, so the db-init Job exists too. */
const withDbInit = (o: DefaultedDiscourse): DefaultedDiscourse =>
  withSpec(o, (s) => { s.database.host = "db.cern.ch"; s.database.adminSecret = "admin"; });

const forums: { name: string; obj: DefaultedDiscourse; openShift: boolean }[] = [
  { name: "root-forum on Kubernetes (Ingress)", obj: rootForum(), openShift: false },
  { name: "root-forum on Kubernetes, external database with db-init", obj: withDbInit(rootForum()), openShift: false },
  { name: "root-forum on OpenShift (Route)", obj: withSpec(rootForum(), (s) => { s.ingress.kind = "Route"; }), openShift: true },
  { name: "root-forum on OpenShift, db-init", obj: withDbInit(withSpec(rootForum(), (s) => { s.ingress.kind = "Route"; })), openShift: true },
  { name: "marketplace on OpenShift (Route, external backends)", obj: marketplace(), openShift: true },
];

function pods(children: DesiredChild[]): { name: string; pod: V1PodSpec }[] {
  return children.flatMap((c) => {
    const pod = (c.object as { spec?: { template?: { spec?: V1PodSpec } } } | null)?.spec?.template?.spec;
    return pod ? [{ name: `${c.kind} ${c.name}`, pod }] : [];
  });
}

describe("pod security: every pod of every child", () => {
  for (const f of forums) {
    const children = buildAll(f.obj, { migration: "pre" }); // a migration Job is due, so its pod is checked too
    const forumName = f.obj.metadata.name ?? "";
    for (const { name, pod } of pods(children)) {
      it(`${f.name}: ${name} passes the restricted Pod Security Standard`, () => {
        expect(podViolations(pod, "restricted-pss")).to.deep.equal([]);
      });
      if (!f.openShift) continue;
      const discourse = pod.serviceAccountName === `${forumName}-discourse`;
      const scc: Profile = discourse ? "nonroot-v2" : "restricted-v2";
      it(`${f.name}: ${name} passes the ${scc} SCC`, () => {
        expect(podViolations(pod, scc)).to.deep.equal([]);
        if (discourse) {
          const rb = children.find((c) => c.kind === "RoleBinding")?.object as RoleBinding | null | undefined;
          expect(rb?.roleRef.name).to.equal("system:openshift:scc:nonroot-v2");
          expect(rb?.subjects).to.deep.equal([{ kind: "ServiceAccount", name: pod.serviceAccountName, namespace: f.obj.metadata.namespace }]);
        }
      });
    }
  }

  it("the runtime's OpenShift fact wins over ingress.kind: an Ingress on OpenShift still gets the grant and the ServiceAccount everywhere", () => {
    const children = buildAll(rootForum(), { openShift: true, migration: "pre" });
    expect(children.filter((c) => c.kind === "ServiceAccount" || c.kind === "RoleBinding").map((c) => c.object !== null)).to.deep.equal([true, true]);
    const granted = pods(children).filter(({ pod }) => pod.serviceAccountName === "root-forum-discourse");
    expect(granted.map(({ name }) => name.replace(/^Job root-forum-migrate-.*-pre$/, "Job MIGRATE"))).to.deep.equal([
      "Job MIGRATE",
      "Deployment root-forum-web",
      "Deployment root-forum-sidekiq",
    ]);
    for (const { pod } of pods(children)) {
      expect(podViolations(pod, pod.serviceAccountName ? "nonroot-v2" : "restricted-v2")).to.deep.equal([]);
    }
  });

  it("on OpenShift, the Discourse pods (web, sidekiq, migrations) use the granted ServiceAccount and the backends do not", () => {
    const children = buildAll(withSpec(rootForum(), (s) => { s.ingress.kind = "Route"; }), { migration: "pre" });
    const accounts = pods(children).map(({ name, pod }) => `${name.replace(/^Job root-forum-migrate-.*-pre$/, "Job MIGRATE")}: ${pod.serviceAccountName ?? "-"}`);
    expect(accounts).to.deep.equal([
      "StatefulSet root-forum-postgresql: -",
      "StatefulSet root-forum-redis: -",
      "Job MIGRATE: root-forum-discourse",
      "Deployment root-forum-web: root-forum-discourse",
      "Deployment root-forum-sidekiq: root-forum-discourse",
    ]);
  });
});

describe("pod security checker (test/support/pod-security.ts)", () => {
  const ok: V1PodSpec = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [{ name: "c", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }],
  };
  const change = (f: (p: V1PodSpec) => void): V1PodSpec => {
    const p = structuredClone(ok);
    f(p);
    return p;
  };
  const cases: { name: string; pod: V1PodSpec; profile: Profile; want: string[] }[] = [
    { name: "a compliant pod passes restricted-v2", pod: ok, profile: "restricted-v2", want: [] },
    { name: "a fixed uid passes nonroot-v2", pod: change((p) => { p.securityContext!.runAsUser = 1000; p.securityContext!.fsGroup = 1000; }), profile: "nonroot-v2", want: [] },
    {
      name: "a fixed uid and fsGroup are refused by restricted-v2",
      pod: change((p) => { p.securityContext!.runAsUser = 999; p.securityContext!.fsGroup = 999; }),
      profile: "restricted-v2",
      want: ["pod runAsUser 999 outside the namespace's range", "pod fsGroup 999 outside the namespace's range"],
    },
    { name: "uid 0 is refused", pod: change((p) => { p.securityContext!.runAsUser = 0; }), profile: "nonroot-v2", want: ["c: runAsUser 0"] },
    {
      name: "privilege escalation and kept capabilities are refused",
      pod: change((p) => { p.containers[0]!.securityContext = { capabilities: { add: ["NET_ADMIN"] } }; }),
      profile: "restricted-pss",
      want: ["c: allowPrivilegeEscalation must be false", "c: capabilities must drop ALL", "c: adds NET_ADMIN"],
    },
    { name: "a hostPath volume is refused", pod: change((p) => { p.volumes = [{ name: "h", hostPath: { path: "/" } }]; }), profile: "restricted-pss", want: ["volume h: type hostPath"] },
    { name: "no seccomp profile is refused", pod: change((p) => { delete p.securityContext!.seccompProfile; }), profile: "restricted-pss", want: ["c: seccomp unset"] },
  ];
  for (const c of cases) it(c.name, () => expect(podViolations(c.pod, c.profile)).to.deep.equal(c.want));
});
