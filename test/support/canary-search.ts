import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type Dirent, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../src/server/platform/db/schema.ts';
import { MARKER_LENGTH } from './canary-bodies.ts';

/** The canary test's search: for its markers in bytes of any kind (table rows, dumps, raw database files, logs, temp files). */
/**
 * Markers: one random prefix per run (so a canary of another run or engine never counts) and
 * four random hex digits per field. A search looks for the prefix as it is, in capitals, and
 * hex-encoded (how pg_dump and to_jsonb print bytea), then reads the field's digits after it.
 */
export class Markers {
  readonly run = randomBytes(3).toString('hex');
  private readonly taken = new Set<string>();

  mint(): string {
    for (;;) {
      const marker = this.run + randomBytes(2).toString('hex');
      if (!this.taken.has(marker)) {
        this.taken.add(marker);
        return marker;
      }
    }
  }

  /** Every marker of this run in the bytes, with where and a little context (the run prefix elided). */
  find(bytes: Buffer): { marker: string; offset: number; encoding: string; context: string }[] {
    const tail = MARKER_LENGTH - this.run.length;
    const hex = (s: string) => Buffer.from(s, 'latin1').toString('hex');
    const needles: [string, string, number, (s: string) => string][] = [
      ['utf-8', this.run, tail, (s) => s.toLowerCase()],
      ['utf-8, capitals', this.run.toUpperCase(), tail, (s) => s.toLowerCase()],
      ['hex-encoded', hex(this.run), tail * 2, (s) => Buffer.from(s, 'hex').toString('latin1')],
    ];
    const hits: { marker: string; offset: number; encoding: string; context: string }[] = [];
    const seen = new Set<string>();
    for (const [encoding, needle, digits, decode] of needles) {
      if (seen.has(needle)) continue;
      seen.add(needle);
      const n = Buffer.from(needle, 'latin1');
      for (let i = bytes.indexOf(n); i >= 0; i = bytes.indexOf(n, i + 1)) {
        const marker = this.run + decode(bytes.toString('latin1', i + n.length, i + n.length + digits));
        if (!this.taken.has(marker)) continue;
        const context = bytes
          .toString('latin1', Math.max(0, i - 40), Math.min(bytes.length, i + n.length + digits + 60))
          .replace(/[^\x20-\x7e]/g, '.')
          .replaceAll(needle, '…');
        hits.push({ marker, offset: i, encoding, context });
      }
    }
    return hits;
  }
}

/** Regular files under root (recursively; symlinks not followed; unreadable entries skipped). */
export function filesUnder(
  root: string,
  options: { modifiedSince?: number; maxBytes?: number; exclude?: readonly string[] } = {},
): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const file = path.join(dir, entry.name);
      if (options.exclude?.some((x) => file === x || file.startsWith(x + path.sep))) continue;
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile()) {
        try {
          const stat = statSync(file);
          if (options.modifiedSince !== undefined && stat.mtimeMs < options.modifiedSince) continue;
          if (stat.size > (options.maxBytes ?? Number.POSITIVE_INFINITY)) continue;
          out.push(file);
        } catch {}
      }
    }
  };
  walk(root);
  return out;
}

/** A file's bytes, or undefined when it cannot be read (gone, or not ours). */
export function readBytes(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Where a search reports the bytes of one place, and how it names the place of a hit. */
export type Report = (sink: string, bytes: Buffer, where: (offset: number, marker: string) => string) => void;

/** Every row of every table, as JSON (bytea as hex), naming the column a marker is in. */
export async function scanTables(db: Kysely<DB>, markers: Markers, report: Report): Promise<void> {
  const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(db);
  for (const { name } of tables.rows) {
    const rows = await sql<{
      row: Record<string, unknown>;
    }>`select to_jsonb(t) as row from ${sql.table(name)} t`.execute(db);
    for (const { row } of rows.rows) {
      report('table rows', Buffer.from(JSON.stringify(row)), (_offset, marker) => {
        const columns = Object.keys(row).filter((c) =>
          markers.find(Buffer.from(JSON.stringify(row[c]))).some((h) => h.marker === marker),
        );
        return `${name}.${columns.join(',')}`;
      });
    }
  }
}

/** pg_dump of the whole database (schema and data), naming table and column of a hit in COPY data. */
export async function scanPgDump(url: string, report: Report): Promise<void> {
  const { stdout } = await promisify(execFile)('pg_dump', ['--no-owner', '--no-privileges', '--dbname', url], {
    maxBuffer: 1 << 30,
  });
  let copy: { table: string; columns: string[] } | undefined;
  stdout.split('\n').forEach((line, i) => {
    const header = line.match(/^COPY ([\w.]+) \(([^)]*)\) FROM stdin;$/);
    if (header) copy = { table: String(header[1]), columns: String(header[2]).split(', ') };
    else if (line === '\\.') copy = undefined;
    const bytes = Buffer.from(line);
    report('pg_dump', bytes, (offset) => {
      if (copy === undefined) return `pg_dump line ${i + 1}`;
      const column = copy.columns[bytes.subarray(0, offset).toString().split('\t').length - 1];
      return `pg_dump ${copy.table}.${column} (line ${i + 1})`;
    });
  });
}

/** The relation each file of a data directory holds (by relfilenode), asked before the engine closes. */
export async function relationsOf(db: Kysely<DB>): Promise<Map<string, string>> {
  const rows = await sql<{ node: string; name: string }>`select c.relfilenode::text as node,
    coalesce('TOAST of ' || t.relname, c.relname) as name
    from pg_class c left join pg_class t on t.reltoastrelid = c.oid where c.relfilenode <> 0`.execute(db);
  return new Map(rows.rows.map((r) => [r.node, r.name]));
}

/** Every raw file of a (closed) data directory, named with its relation where known. */
export function scanDataDir(dir: string, relations: ReadonlyMap<string, string>, report: Report): void {
  for (const file of filesUnder(dir)) {
    const node = path.basename(file).match(/^(\d+)(?:_\w+)?(?:\.\d+)?$/)?.[1];
    const relation = node === undefined ? undefined : relations.get(node);
    const name = path.relative(dir, file) + (relation === undefined ? '' : ` (${relation})`);
    report('data directory', readBytes(file) ?? Buffer.alloc(0), () => name);
  }
}
