/**
 * The shell scripts of the backup, restore and backup-cleanup Jobs. They run with
 * `/bin/sh -c` in the official postgres image of the server's major (docker-library/postgres
 * `17/trixie/Dockerfile`: FROM debian:trixie-slim, PostgreSQL clients on PATH through
 * `/usr/lib/postgresql/$PG_MAJOR/bin`; dash is `/bin/sh`; GNU tar, coreutils `sha256sum`,
 * `mktemp`, `wc` come with the Debian base), and are tested outside pods against a real
 * PostgreSQL (test/integration/backups/scripts.test.ts) with `sh` (dash).
 *
 * Credentials reach them only as libpq environment variables (PGHOST, PGPORT, PGDATABASE,
 * PGUSER, PGPASSWORD from a secretKeyRef, PGSSLMODE;
 * https://www.postgresql.org/docs/current/libpq-envars.html): no password is ever on a
 * command line.
 *
 * Layout of one backup, `<BACKUP_ROOT>/<BACKUP_NAME>/`:
 * - `database.dump`: `pg_dump --format=custom` of the whole database (tables, sequences,
 *   large objects, extensions); custom format is what `pg_restore` reads, selectively and in
 *   one transaction (https://www.postgresql.org/docs/current/app-pgdump.html).
 * - `uploads.tar`: the uploads directory (`public/uploads` of the Discourse image), as
 *   Discourse's own backup archives it (discourse/discourse
 *   lib/backup_restore/backuper.rb: `tar --warning=no-file-changed` of `public/uploads/<db>`).
 * - `manifest.json`: format version, name, creation time, Discourse version, PostgreSQL
 *   server version, pg_dump version, and the size and sha256 of each file above, one file
 *   per line (the restore script reads it with grep and tr: the image has no jq).
 * - `summary.json`: what the Job also writes to its termination message (sizes, sha256 of
 *   every file including the manifest, versions), one line of JSON under 4096 bytes
 *   (https://kubernetes.io/docs/tasks/debug/debug-application/determine-reason-pod-failure/).
 *
 * A backup is written into `<BACKUP_ROOT>/.partial-<BACKUP_NAME>.XXXXXX` and renamed into
 * place only when complete, so a directory named after a backup is always whole; a failed
 * or interrupted run leaves nothing behind. A rerun (a Job retry after success) finds the
 * finished directory and only reports it.
 */

/** File names inside one backup directory. */
export const BACKUP_FILES = {
  dump: "database.dump",
  uploads: "uploads.tar",
  manifest: "manifest.json",
  summary: "summary.json",
} as const;

/**
 * Backup. Environment: BACKUP_NAME (DNS-1123 name of the DiscourseBackup), BACKUP_ROOT
 * (the backups volume), UPLOADS_DIR (the uploads volume, read-only; missing: an empty
 * archive), DISCOURSE_VERSION, TERMINATION_LOG (defaults to /dev/termination-log), and the
 * libpq variables. Exit 0 with the backup in place, non-zero with nothing in place.
 */
export const BACKUP_SCRIPT = `set -eu
umask 027
: "\${BACKUP_NAME:?}" "\${BACKUP_ROOT:?}" "\${UPLOADS_DIR:?}" "\${PGDATABASE:?}"
TERMINATION_LOG="\${TERMINATION_LOG:-/dev/termination-log}"
case "$BACKUP_NAME" in
  ''|.*|*[!a-z0-9.-]*) echo "backup: invalid name '$BACKUP_NAME'" >&2; exit 2 ;;
esac
final="$BACKUP_ROOT/$BACKUP_NAME"
if [ -f "$final/${BACKUP_FILES.manifest}" ] && [ -f "$final/${BACKUP_FILES.summary}" ]; then
  echo "backup: $final is complete already; nothing to do"
  cat "$final/${BACKUP_FILES.summary}" > "$TERMINATION_LOG" || true
  exit 0
fi
if [ -e "$final" ]; then echo "backup: $final exists but is not a complete backup; refusing to overwrite it" >&2; exit 3; fi

tmp="$(mktemp -d "$BACKUP_ROOT/.partial-$BACKUP_NAME.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 143' TERM INT

clean() { printf '%s' "$1" | tr -cd 'A-Za-z0-9 ._:()+~-'; }
size_of() { wc -c < "$1" | tr -d ' '; }
sum_of() { sha256sum "$1" | cut -d ' ' -f 1; }

server_version="$(clean "$(psql -X -q -v ON_ERROR_STOP=1 -tAc 'SHOW server_version')")"
dump_version="$(clean "$(pg_dump --version)")"
discourse_version="$(clean "\${DISCOURSE_VERSION:-unknown}")"
echo "backup: dumping database $PGDATABASE (PostgreSQL $server_version) with $dump_version"
pg_dump --format=custom --no-password --file="$tmp/${BACKUP_FILES.dump}"

echo "backup: archiving $UPLOADS_DIR"
if [ -d "$UPLOADS_DIR" ]; then
  rc=0
  # The top-level entries, not ".": extracting "." would chmod and utime the new forum's
  # volume root, which a non-root restore may not do.
  (cd "$UPLOADS_DIR" && find . -mindepth 1 -maxdepth 1 -print0 |
    tar --create --file="$tmp/${BACKUP_FILES.uploads}" --null --files-from=- --warning=no-file-changed) || rc=$?
  # GNU tar: exit 1 = some files changed while being read (a live forum); the archive holds what was read.
  if [ "$rc" -gt 1 ]; then echo "backup: tar failed with exit code $rc" >&2; exit "$rc"; fi
else
  echo "backup: $UPLOADS_DIR does not exist; the archive is empty"
  tar --create --file="$tmp/${BACKUP_FILES.uploads}" --files-from=/dev/null
fi

dump_size="$(size_of "$tmp/${BACKUP_FILES.dump}")"
dump_sum="$(sum_of "$tmp/${BACKUP_FILES.dump}")"
tar_size="$(size_of "$tmp/${BACKUP_FILES.uploads}")"
tar_sum="$(sum_of "$tmp/${BACKUP_FILES.uploads}")"
cat > "$tmp/${BACKUP_FILES.manifest}" <<EOF
{
  "formatVersion": 1,
  "backup": "$BACKUP_NAME",
  "createdAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "discourseVersion": "$discourse_version",
  "databaseVersion": "$server_version",
  "pgDumpVersion": "$dump_version",
  "files": [
    {"name": "${BACKUP_FILES.dump}", "sizeBytes": $dump_size, "sha256": "$dump_sum"},
    {"name": "${BACKUP_FILES.uploads}", "sizeBytes": $tar_size, "sha256": "$tar_sum"}
  ]
}
EOF
manifest_size="$(size_of "$tmp/${BACKUP_FILES.manifest}")"
manifest_sum="$(sum_of "$tmp/${BACKUP_FILES.manifest}")"
total=$((dump_size + tar_size + manifest_size))
cat > "$tmp/${BACKUP_FILES.summary}" <<EOF
{"sizeBytes":$total,"discourseVersion":"$discourse_version","databaseVersion":"$server_version","sha256":{"${BACKUP_FILES.dump}":"$dump_sum","${BACKUP_FILES.uploads}":"$tar_sum","${BACKUP_FILES.manifest}":"$manifest_sum"}}
EOF
sync
chmod 750 "$tmp"
mv "$tmp" "$final"
trap - EXIT
cat "$final/${BACKUP_FILES.summary}" > "$TERMINATION_LOG" || true
echo "backup: $final complete, $total bytes"
`;

/**
 * Restore into a new forum. Environment: BACKUP_DIR (one backup directory), UPLOADS_DIR
 * (the new forum's uploads volume), MANIFEST_SHA256 (optional: the manifest's sha256 as the
 * DiscourseBackup's status recorded it), TERMINATION_LOG, and the libpq variables of the
 * new forum's role. In this order, stopping at the first problem:
 * 1. the manifest (against MANIFEST_SHA256 when given) and every file it lists, size and
 *    sha256, with both files required; nothing is loaded before all of them check out;
 * 2. the database must be empty: no table, view, sequence or foreign table in schema
 *    public, no large object;
 * 3. the uploads archive is extracted (GNU tar refuses members with `..` and strips a
 *    leading `/`);
 * 4. `pg_restore --no-owner --no-privileges --role=$PGUSER --single-transaction
 *    --exit-on-error`: everything or nothing, owned by the new forum's role (its name
 *    differs from the old forum's), without the old forum's GRANTs. Comments on
 *    extensions are skipped: only an extension's owner may set them, and the new forum's
 *    database has the extensions already (created by its PostgreSQL init or db-init Job).
 */
export const RESTORE_SCRIPT = `set -eu
: "\${BACKUP_DIR:?}" "\${UPLOADS_DIR:?}" "\${PGDATABASE:?}" "\${PGUSER:?}"
TERMINATION_LOG="\${TERMINATION_LOG:-/dev/termination-log}"
refuse() {
  echo "restore refused: $*" >&2
  printf '%s' "$*" > "$TERMINATION_LOG" || true
  exit 1
}
manifest="$BACKUP_DIR/${BACKUP_FILES.manifest}"
[ -f "$manifest" ] || refuse "no ${BACKUP_FILES.manifest} in $BACKUP_DIR"
if [ -n "\${MANIFEST_SHA256:-}" ]; then
  actual="$(sha256sum "$manifest" | cut -d ' ' -f 1)"
  [ "$actual" = "$MANIFEST_SHA256" ] || refuse "${BACKUP_FILES.manifest} has sha256 $actual, the backup recorded $MANIFEST_SHA256"
fi

entries="$(mktemp)"
work="$(mktemp -d)"
trap 'rm -rf "$entries" "$work"' EXIT
grep '"sizeBytes"' "$manifest" | tr -d '{}",' | tr ':' ' ' > "$entries" || true
seen=""
while read -r k1 name k2 size k3 sum rest; do
  [ "$k1" = name ] && [ "$k2" = sizeBytes ] && [ "$k3" = sha256 ] && [ -z "$rest" ] || refuse "${BACKUP_FILES.manifest} has a malformed file entry"
  case "$name" in ''|.*|*/*) refuse "${BACKUP_FILES.manifest} names an unsafe file '$name'" ;; esac
  case "$size" in ''|*[!0-9]*) refuse "${BACKUP_FILES.manifest} gives '$name' a malformed size" ;; esac
  case "$sum" in *[!0-9a-f]*) refuse "${BACKUP_FILES.manifest} gives '$name' a malformed sha256" ;; esac
  [ "\${#sum}" -eq 64 ] || refuse "${BACKUP_FILES.manifest} gives '$name' a malformed sha256"
  file="$BACKUP_DIR/$name"
  [ -f "$file" ] || refuse "$name is listed in the manifest but missing"
  actual_size="$(wc -c < "$file" | tr -d ' ')"
  [ "$actual_size" = "$size" ] || refuse "$name has $actual_size bytes, the manifest says $size"
  actual_sum="$(sha256sum "$file" | cut -d ' ' -f 1)"
  [ "$actual_sum" = "$sum" ] || refuse "$name has sha256 $actual_sum, the manifest says $sum"
  seen="$seen $name"
done < "$entries"
for required in ${BACKUP_FILES.dump} ${BACKUP_FILES.uploads}; do
  case " $seen " in *" $required "*) ;; *) refuse "${BACKUP_FILES.manifest} does not list $required" ;; esac
done
echo "restore: every file of $BACKUP_DIR matches its size and sha256"

relations="$(psql -X -q -v ON_ERROR_STOP=1 -tAc "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')")"
objects="$(psql -X -q -v ON_ERROR_STOP=1 -tAc 'SELECT count(*) FROM pg_largeobject_metadata')"
[ "$relations" = 0 ] && [ "$objects" = 0 ] || refuse "database $PGDATABASE is not empty ($relations relations in schema public, $objects large objects); a restore needs a new, empty database"

echo "restore: extracting the uploads into $UPLOADS_DIR"
mkdir -p "$UPLOADS_DIR"
tar --extract --file="$BACKUP_DIR/${BACKUP_FILES.uploads}" --directory="$UPLOADS_DIR" --no-same-owner --no-overwrite-dir

echo "restore: loading the database dump into $PGDATABASE as $PGUSER"
pg_restore --list "$BACKUP_DIR/${BACKUP_FILES.dump}" | grep -v ' COMMENT - EXTENSION ' > "$work/list"
pg_restore --no-owner --no-privileges --role="$PGUSER" --single-transaction --exit-on-error \\
  --use-list="$work/list" --dbname="$PGDATABASE" "$BACKUP_DIR/${BACKUP_FILES.dump}"
printf '%s' "restored from $BACKUP_DIR" > "$TERMINATION_LOG" || true
echo "restore: done"
`;

/**
 * Removal of one backup's files (the DiscourseBackup's finalizer). Environment:
 * BACKUP_NAME, BACKUP_ROOT. Removes the directory and any partial one left by a killed
 * backup; a missing directory is not an error.
 */
export const CLEANUP_SCRIPT = `set -eu
: "\${BACKUP_NAME:?}" "\${BACKUP_ROOT:?}"
case "$BACKUP_NAME" in
  ''|.*|*[!a-z0-9.-]*) echo "cleanup: invalid name '$BACKUP_NAME'" >&2; exit 2 ;;
esac
rm -rf "$BACKUP_ROOT/$BACKUP_NAME" "$BACKUP_ROOT/.partial-$BACKUP_NAME".*
echo "cleanup: removed the files of $BACKUP_NAME"
`;
