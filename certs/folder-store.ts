/**
 * Certificates in a local folder (default certs/local/, git-ignored), for a
 * webhook running on the developer's machine. Keys are written with mode 0600.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { STORE_KEYS, setFromEntries, type CertificateStore, type StoredCertificates } from "./store.js";
import type { CertificateSet } from "./types.js";

export const DEFAULT_CERT_DIR = "certs/local";

function versionOf(set: CertificateSet): string {
  const hash = createHash("sha256");
  for (const k of Object.keys(STORE_KEYS) as (keyof CertificateSet)[]) hash.update(set[k]).update("\0");
  return hash.digest("hex").slice(0, 16);
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export class FolderCertificateStore implements CertificateStore {
  readonly location: string;

  /** @param dir - folder holding ca.crt, ca.key, tls.crt, tls.key, ca-bundle.crt; created on save. */
  constructor(private readonly dir: string = DEFAULT_CERT_DIR) {
    this.location = `folder ${dir}`;
  }

  async load(): Promise<StoredCertificates | null> {
    const entries = new Map<string, string | undefined>();
    for (const file of Object.values(STORE_KEYS)) entries.set(file, await readOptional(join(this.dir, file)));
    const set = setFromEntries((k) => entries.get(k));
    return set ? { set, version: versionOf(set) } : null;
  }

  async save(set: CertificateSet, expectedVersion: string | null): Promise<string | null> {
    const current = await this.load();
    if ((current?.version ?? null) !== expectedVersion) return null;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    for (const [field, file] of Object.entries(STORE_KEYS) as [keyof CertificateSet, string][]) {
      const target = join(this.dir, file);
      const tmp = `${target}.${process.pid}.tmp`;
      await writeFile(tmp, set[field], { mode: field.endsWith("Key") || field === "key" ? 0o600 : 0o644 });
      await rename(tmp, target);
    }
    return versionOf(set);
  }
}
