/**
 * TypeScript types of the Discourse API, derived from the one schema in
 * src/api/schema.ts, plus `DefaultedDiscourse`: the shape every field has once
 * webhooks/defaulting has run (what the reconciler's builders consume).
 */
import type { Static } from "@sinclair/typebox";
import type { V1ObjectMeta, V1ResourceRequirements } from "@kubernetes/client-node";
import type * as S from "./schema.js";

export type DiscourseSpec = Static<typeof S.DiscourseSpec>;
export type DiscourseStatus = Static<typeof S.DiscourseStatus>;
export type Condition = Static<typeof S.Condition>;
export type DatabaseSpec = Static<typeof S.DatabaseSpec>;
export type RedisSpec = Static<typeof S.RedisSpec>;
export type SmtpSpec = Static<typeof S.SmtpSpec>;
export type IngressSpec = Static<typeof S.IngressSpec>;
export type PluginSpec = Static<typeof S.PluginSpec>;
export type EnvVar = Static<typeof S.EnvVar>;
export type Category = "personal" | "test" | "official";
export type SslMode = "disable" | "require" | "verify-full";
export type AccessMode = "ReadWriteOnce" | "ReadWriteMany";
export type Quantity = number | string;

/** A `Discourse` object as read from the API (or sent to it). */
export interface Discourse {
  apiVersion: "discourse.cern/v1alpha1";
  kind: "Discourse";
  metadata: V1ObjectMeta;
  spec: DiscourseSpec;
  status?: DiscourseStatus;
}

export interface SecretKeyRef {
  name: string;
  key: string;
}

/** `spec` once defaults are applied: every defaulted field is present. */
export interface DefaultedSpec {
  hostname: string;
  version: string;
  image: string;
  replicas: number;
  category: Category;
  developerEmails: string[];
  database: {
    host?: string;
    port: number;
    name: string;
    user: string;
    credentialsSecret: string;
    adminSecret?: string;
    sslMode: SslMode;
    version: string;
    /** Managed only; when absent the builders derive the pgvector image of `version`. */
    image?: string;
    storage: { size: Quantity; storageClassName?: string };
  };
  redis: { host?: string; port: number; passwordSecret?: SecretKeyRef; storage?: { size: Quantity } };
  smtp?: {
    host: string;
    port: number;
    user?: string;
    passwordSecret?: SecretKeyRef;
    enableStartTLS: boolean;
    domain?: string;
    fromAddress?: string;
  };
  ingress: {
    enabled: boolean;
    kind: "Ingress" | "Route";
    className?: string;
    tlsSecretName: string;
    annotations?: Record<string, string>;
  };
  storage: { uploads: { size: Quantity; storageClassName?: string; accessMode: AccessMode } };
  resources: { web: V1ResourceRequirements; sidekiq: V1ResourceRequirements };
  sidekiq: { replicas: number };
  plugins: PluginSpec[];
  env: EnvVar[];
  deletionPolicy: "Retain" | "Delete";
  deletionProtection: boolean;
  paused: boolean;
}

/** A `Discourse` whose spec went through `applyDefaults`. */
export interface DefaultedDiscourse extends Omit<Discourse, "spec"> {
  spec: DefaultedSpec;
}
