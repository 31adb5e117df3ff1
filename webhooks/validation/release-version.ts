/**
 * Discourse release versions (`3.4.2`, `2026.7.0`, `3.5.0-beta.3`), compared
 * numerically part by part, with semver's rule that a version with a suffix
 * precedes the same version without one (https://semver.org/#spec-item-11).
 * Discourse moved from 3.x to year-based versions, so 2026.7.0 > 3.5.2.
 */

export interface ReleaseVersion {
  parts: [number, number, number];
  suffix: string[];
}

const RELEASE = /^(\d+)\.(\d+)\.(\d+)(?:\.beta(\d+))?(?:-([0-9A-Za-z][0-9A-Za-z.-]*))?$/;

/**
 * Parses `MAJOR.MINOR.PATCH[.betaN][-suffix]` (discourse `lib/version.rb`); null when `v` is
 * not such a version. `.betaN` compares like a `-beta.N` pre-release.
 */
export function parseReleaseVersion(v: unknown): ReleaseVersion | null {
  if (typeof v !== "string") return null;
  const m = RELEASE.exec(v);
  if (!m) return null;
  const beta = m[4] !== undefined ? ["beta", m[4]] : [];
  return { parts: [Number(m[1]), Number(m[2]), Number(m[3])], suffix: [...beta, ...(m[5] ? m[5].split(".") : [])] };
}

function compareIdentifiers(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return Math.sign(Number(a) - Number(b));
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareSuffixes(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return Math.sign(b.length - a.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareIdentifiers(a[i] ?? "", b[i] ?? "");
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

/**
 * Compares two release versions.
 * @returns a negative number, 0 or a positive number as `a` is lower than,
 *   equal to or higher than `b`; null when either is not a release version.
 */
export function compareReleaseVersions(a: unknown, b: unknown): number | null {
  const x = parseReleaseVersion(a);
  const y = parseReleaseVersion(b);
  if (!x || !y) return null;
  for (let i = 0; i < 3; i++) {
    const c = Math.sign((x.parts[i] ?? 0) - (y.parts[i] ?? 0));
    if (c !== 0) return c;
  }
  return compareSuffixes(x.suffix, y.suffix);
}
