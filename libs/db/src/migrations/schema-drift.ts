// Compares a migrated PostgreSQL database with the Prisma datamodel, so a test can prove that the
// hand-applied SQL migrations build exactly what prisma/schema.prisma describes (Prisma's own
// `migrate diff` needs a native engine these machines cannot download).
//
// Both sides are rendered into the same canonical, human-readable lines — one per table, column,
// primary key, index, foreign key and enum — and compared as sets. "What Prisma would create" follows
// Prisma's PostgreSQL migrations: its default constraint names, nullable arrays for lists, its column
// types for each scalar and native type, and only the defaults it puts in the database.
//
// Not compared (Prisma's datamodel does not describe them): check constraints, triggers, functions,
// views, comments, collations, index operator classes. Features the check cannot map (implicit
// many-to-many tables, Unsupported types, other schemas) make it throw rather than pass silently.
//
// Used by tests and CI only (@prisma/internals is a dev dependency); nothing at runtime imports it.
import { getDMMF } from '@prisma/internals';
import { Client } from 'pg';

type Datamodel = Awaited<ReturnType<typeof getDMMF>>['datamodel'];
type DmmfModel = Datamodel['models'][number];
type DmmfField = DmmfModel['fields'][number];

/** PostgreSQL's identifier limit, which Prisma's generated constraint names respect. */
const MAX_IDENTIFIER_LENGTH = 63;

/** The table our runner (and Prisma) keeps its history in: not part of the datamodel. */
const MIGRATIONS_TABLE = '_prisma_migrations';

/** Column type of each Prisma scalar without a native type attribute, as PostgreSQL's format_type() prints it. */
const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Boolean: 'boolean',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

/** `@db.X(args)` → format_type() spelling. Extend when the schema starts using another native type. */
const NATIVE_TYPES: Record<string, (args: readonly string[]) => string> = {
  Text: () => 'text',
  Char: (args) => `character(${args[0] ?? '1'})`,
  VarChar: (args) => (args.length ? `character varying(${args[0]})` : 'character varying'),
  Bit: (args) => `bit(${args[0] ?? '1'})`,
  VarBit: (args) => (args.length ? `bit varying(${args[0]})` : 'bit varying'),
  Uuid: () => 'uuid',
  Xml: () => 'xml',
  Inet: () => 'inet',
  Citext: () => 'citext',
  Boolean: () => 'boolean',
  Integer: () => 'integer',
  SmallInt: () => 'smallint',
  Oid: () => 'oid',
  BigInt: () => 'bigint',
  DoublePrecision: () => 'double precision',
  Real: () => 'real',
  Decimal: (args) => (args.length ? `numeric(${args.join(',')})` : 'numeric'),
  Money: () => 'money',
  Timestamp: (args) => `timestamp${precision(args)} without time zone`,
  Timestamptz: (args) => `timestamp${precision(args)} with time zone`,
  Date: () => 'date',
  Time: (args) => `time${precision(args)} without time zone`,
  Timetz: (args) => `time${precision(args)} with time zone`,
  Json: () => 'json',
  JsonB: () => 'jsonb',
  ByteA: () => 'bytea',
};

function precision(args: readonly string[]): string {
  return args.length ? `(${args[0]})` : '';
}

/** Prisma's referential actions → PostgreSQL's words (and pg_constraint's one-letter codes below). */
const PRISMA_ACTIONS: Record<string, string> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};
const PG_ACTIONS: Record<string, string> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

/** Client-side default generators: Prisma creates no database default for them. */
const CLIENT_SIDE_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);

/**
 * Prisma's default constraint name: `{table}_{columns}_{suffix}`, cut so that it fits in 63 bytes
 * (what `prisma migrate dev` would write when the schema gives no `map:`).
 */
export function prismaConstraintName(table: string, columns: readonly string[], suffix: string): string {
  const base = [table, ...columns].join('_');
  return `${base.slice(0, MAX_IDENTIFIER_LENGTH - suffix.length - 1)}_${suffix}`;
}

/**
 * Foreign-key names given with `@relation(..., map: "...")`. The DMMF leaves them out, so read them
 * from the schema text: key `Model.field`.
 */
function relationConstraintNames(source: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const block of source.matchAll(/^\s*model\s+(\w+)\s*\{([\s\S]*?)^\s*\}/gm)) {
    for (const rawLine of block[2].split('\n')) {
      const line = rawLine.replace(/\/\/.*$/, '');
      const relation = /^\s*(\w+)\s.*@relation\((.*)\)/.exec(line);
      const map = relation && /\bmap\s*:\s*"([^"]*)"/.exec(relation[2]);
      if (relation && map) names.set(`${block[1]}.${relation[1]}`, map[1]);
    }
  }
  return names;
}

/** The database objects `schema.prisma` implies, one canonical line each. */
export async function describeDatamodel(source: string): Promise<string[]> {
  const { datamodel } = await getDMMF({ datamodel: source });
  const fkNames = relationConstraintNames(source);
  const lines: string[] = [];

  const enumNames = new Map<string, string>();
  const enumValues = new Map<string, string>();
  for (const en of datamodel.enums) {
    const name = en.dbName ?? en.name;
    enumNames.set(en.name, name);
    for (const value of en.values) enumValues.set(`${en.name}.${value.name}`, value.dbName ?? value.name);
    lines.push(`enum ${name}: ${en.values.map((v) => `'${v.dbName ?? v.name}'`).join(', ')}`);
  }

  const models = new Map(datamodel.models.map((model) => [model.name, model]));
  const tableOf = (model: DmmfModel): string => model.dbName ?? model.name;
  const columnOf = (model: DmmfModel, fieldName: string): string => {
    const field = model.fields.find((f) => f.name === fieldName);
    if (!field) throw new Error(`Model ${model.name} has no field ${fieldName}`);
    return field.dbName ?? field.name;
  };

  for (const model of datamodel.models) {
    if (model.schema && model.schema !== 'public') {
      throw new Error(
        `Model ${model.name} lives in schema "${model.schema}"; the drift check only covers "public".`,
      );
    }
    const table = tableOf(model);
    lines.push(`table ${table}`);
    for (const field of model.fields) {
      if (field.kind === 'object') {
        const fk = describeRelation(model, field, models, fkNames, tableOf, columnOf);
        if (fk) lines.push(fk);
        continue;
      }
      if (field.kind === 'unsupported') {
        throw new Error(
          `${model.name}.${field.name} is Unsupported(...); teach the drift check its type first.`,
        );
      }
      const column = field.dbName ?? field.name;
      const type =
        field.kind === 'enum'
          ? `enum ${enumNames.get(field.type) ?? field.type}`
          : scalarColumnType(model, field);
      // Prisma's PostgreSQL migrations create list columns without NOT NULL, whatever the `?`.
      const notNull = field.isRequired && !field.isList;
      const defaultValue = expectedDefault(model, field, enumValues);
      lines.push(columnLine(table, column, `${type}${field.isList ? '[]' : ''}`, notNull, defaultValue));
    }
  }

  for (const index of datamodel.indexes) {
    const model = models.get(index.model);
    if (!model) throw new Error(`Index on unknown model ${index.model}`);
    const table = tableOf(model);
    const columnNames = index.fields.map((f) => columnOf(model, f.name));
    for (const f of index.fields) {
      if (f.operatorClass) {
        throw new Error(`${model.name}: operator classes in indexes are not covered by the drift check yet.`);
      }
    }
    const columns = index.fields
      .map((f, i) => `${columnNames[i]}${f.sortOrder === 'desc' ? ' DESC' : ''}`)
      .join(', ');
    const method =
      index.algorithm && index.algorithm.toLowerCase() !== 'btree' ? index.algorithm.toLowerCase() : 'btree';
    switch (index.type) {
      case 'id':
        lines.push(
          `primary key ${index.dbName ?? prismaConstraintName(table, [], 'pkey')}: ${table} (${columns})`,
        );
        break;
      case 'unique':
        lines.push(
          indexLine(
            'unique index',
            index.dbName ?? prismaConstraintName(table, columnNames, 'key'),
            table,
            columns,
            method,
            null,
          ),
        );
        break;
      case 'normal':
        lines.push(
          indexLine(
            'index',
            index.dbName ?? prismaConstraintName(table, columnNames, 'idx'),
            table,
            columns,
            method,
            null,
          ),
        );
        break;
      case 'fulltext':
        throw new Error(`${model.name}: @@fulltext is not a PostgreSQL feature.`);
    }
  }
  return lines;
}

function describeRelation(
  model: DmmfModel,
  field: DmmfField,
  models: ReadonlyMap<string, DmmfModel>,
  fkNames: ReadonlyMap<string, string>,
  tableOf: (model: DmmfModel) => string,
  columnOf: (model: DmmfModel, fieldName: string) => string,
): string | null {
  const target = models.get(field.type);
  if (!target) throw new Error(`${model.name}.${field.name} points at unknown model ${field.type}`);
  const from = field.relationFromFields ?? [];
  if (from.length === 0) {
    // The other side holds the foreign key — unless both sides are lists: an implicit many-to-many,
    // whose hidden join table (`_RelationName`) this check does not model.
    const back = target.fields.find(
      (f) =>
        f.kind === 'object' &&
        f.relationName === field.relationName &&
        !(target === model && f.name === field.name),
    );
    if (field.isList && back?.isList) {
      throw new Error(
        `${model.name}.${field.name} is an implicit many-to-many relation; model the join table explicitly ` +
          `or teach the drift check about "_${field.relationName}".`,
      );
    }
    return null;
  }
  const table = tableOf(model);
  const columns = from.map((name) => columnOf(model, name));
  const references = (field.relationToFields ?? []).map((name) => columnOf(target, name));
  // Prisma's defaults: onDelete Restrict when the relation is required, SetNull when optional; onUpdate Cascade.
  const optional = from.some((name) => !model.fields.find((f) => f.name === name)?.isRequired);
  const onDelete = PRISMA_ACTIONS[field.relationOnDelete ?? (optional ? 'SetNull' : 'Restrict')];
  const onUpdate = PRISMA_ACTIONS[field.relationOnUpdate ?? 'Cascade'];
  const name = fkNames.get(`${model.name}.${field.name}`) ?? prismaConstraintName(table, columns, 'fkey');
  return fkLine(name, table, columns.join(', '), tableOf(target), references.join(', '), onDelete, onUpdate);
}

function scalarColumnType(model: DmmfModel, field: DmmfField): string {
  if (field.nativeType) {
    const [name, args] = field.nativeType;
    const render = NATIVE_TYPES[name];
    if (!render) {
      throw new Error(
        `${model.name}.${field.name}: native type @db.${name} is unknown to the drift check; add it to NATIVE_TYPES.`,
      );
    }
    return render(args);
  }
  const type = SCALAR_TYPES[field.type];
  if (!type)
    throw new Error(`${model.name}.${field.name}: scalar type ${field.type} is unknown to the drift check.`);
  return type;
}

/** The database default Prisma creates for a field, canonicalised like {@link canonicalDbDefault}; null for none. */
function expectedDefault(
  model: DmmfModel,
  field: DmmfField,
  enumValues: ReadonlyMap<string, string>,
): string | null {
  const value = field.default;
  if (value === undefined || value === null) return null;
  const scalar = (v: string | number | boolean): string => {
    if (field.kind === 'enum') return enumValues.get(`${field.type}.${String(v)}`) ?? String(v);
    if (field.type === 'DateTime' && typeof v === 'string') {
      const timestamp = canonicalTimestamp(v);
      return field.nativeType?.[0] === 'Date' ? timestamp.slice(0, 10) : timestamp; // PostgreSQL prints '2024-05-06'
    }
    return String(v);
  };
  if (Array.isArray(value)) return `[${value.map(scalar).join(', ')}]`;
  if (typeof value === 'object') {
    const fn = value as { name: string; args: ReadonlyArray<string | number> };
    if (CLIENT_SIDE_DEFAULTS.has(fn.name)) return null;
    switch (fn.name) {
      case 'autoincrement':
        return 'autoincrement()';
      case 'now':
        return 'CURRENT_TIMESTAMP';
      case 'dbgenerated':
        if (typeof fn.args[0] === 'string') return normaliseExpression(fn.args[0]);
        throw new Error(
          `${model.name}.${field.name}: @default(dbgenerated()) without an expression is not checkable.`,
        );
      default:
        throw new Error(`${model.name}.${field.name}: default ${fn.name}() is unknown to the drift check.`);
    }
  }
  return scalar(value);
}

function columnLine(
  table: string,
  column: string,
  type: string,
  notNull: boolean,
  defaultValue: string | null,
): string {
  return `column ${table}.${column}: ${type}${notNull ? ' NOT NULL' : ''}${defaultValue === null ? '' : ` DEFAULT ${defaultValue}`}`;
}

function indexLine(
  kind: string,
  name: string,
  table: string,
  columns: string,
  method: string,
  predicate: string | null,
): string {
  return `${kind} ${name}: ${table} (${columns})${method === 'btree' ? '' : ` USING ${method}`}${predicate ? ` WHERE ${predicate}` : ''}`;
}

function fkLine(
  name: string,
  table: string,
  columns: string,
  refTable: string,
  refColumns: string,
  onDelete: string,
  onUpdate: string,
): string {
  return `foreign key ${name}: ${table} (${columns}) REFERENCES ${refTable} (${refColumns}) ON DELETE ${onDelete} ON UPDATE ${onUpdate}`;
}

function normaliseExpression(expression: string): string {
  return expression.replace(/\s+/g, ' ').trim();
}

function canonicalTimestamp(text: string): string {
  // PostgreSQL prints '2020-01-02 03:04:05+00'; Prisma's DMMF says '2020-01-02T03:04:05+00:00'.
  const withZone = /([+-]\d\d(:?\d\d)?|Z)$/i.test(text.trim()) ? text : `${text}Z`;
  const date = new Date(withZone.replace(' ', 'T'));
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

/** Strips a trailing `::type` cast, e.g. `'x'::character varying` or `'a'::"Role"[]`. */
function stripCast(expression: string): string {
  return expression.replace(
    /::(?:"[^"]*"|[a-z_][\w ]*)(?:\([\d, ]+\))?(?: with(?:out)? time zone)?(?:\[\])*$/i,
    '',
  );
}

/** Splits `a, 'b,c', d` at top-level commas, leaving quoted strings intact. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === "'") quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

function unquoteLiteral(expression: string): string | null {
  const match = /^'((?:[^']|'')*)'$/s.exec(stripCast(expression.trim()));
  return match ? match[1].replace(/''/g, "'") : null;
}

/** A default as pg_get_expr() prints it → the canonical form {@link expectedDefault} produces. */
export function canonicalDbDefault(expression: string, formattedType: string): string {
  const expr = expression.trim();
  if (/^nextval\('.*'::regclass\)$/.test(expr)) return 'autoincrement()';
  if (expr === 'CURRENT_TIMESTAMP' || expr === 'now()') return 'CURRENT_TIMESTAMP';
  const array = /^ARRAY\[(.*?)\](?:::.+)?$/s.exec(expr);
  if (array) {
    const items = splitTopLevel(array[1]).map((item) => unquoteLiteral(item) ?? stripCast(item));
    return `[${items.join(', ')}]`;
  }
  const literal = unquoteLiteral(expr);
  if (literal !== null) {
    if (formattedType.endsWith('[]') && /^\{.*\}$/s.test(literal)) {
      // Array literal such as '{}' or '{a,b}' (simple elements only).
      const inner = literal.slice(1, -1);
      return `[${
        inner
          ? inner
              .split(',')
              .map((s) => s.replace(/^"(.*)"$/, '$1'))
              .join(', ')
          : ''
      }]`;
    }
    if (formattedType.startsWith('timestamp')) return canonicalTimestamp(literal);
    if (formattedType === 'bytea' && literal.startsWith('\\x')) {
      return Buffer.from(literal.slice(2), 'hex').toString('base64'); // Prisma's DMMF gives Bytes defaults in base64
    }
    return literal;
  }
  const bare = stripCast(expr.replace(/^\((.*)\)$/s, '$1'));
  if (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(bare) || bare === 'true' || bare === 'false') return bare;
  return normaliseExpression(expr); // an expression: compared verbatim with dbgenerated("...")
}

/** The database objects that exist in `schema`, in the same canonical lines as {@link describeDatamodel}. */
export async function describeDatabase(databaseUrl: string, schema = 'public'): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const lines: string[] = [];

    const enums = await client.query<{ name: string; labels: string }>(
      `SELECT t.typname AS name, string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) AS labels
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
        WHERE n.nspname = $1 GROUP BY t.typname`,
      [schema],
    );
    for (const row of enums.rows) lines.push(`enum ${row.name}: ${row.labels}`);

    const tables = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> $2`,
      [schema, MIGRATIONS_TABLE],
    );
    for (const row of tables.rows) lines.push(`table ${row.name}`);

    const columns = await client.query<{
      table_name: string;
      column_name: string;
      not_null: boolean;
      typtype: string;
      typname: string;
      elem_typtype: string | null;
      elem_typname: string | null;
      formatted: string;
      default_expr: string | null;
      identity: string;
      generated: string;
    }>(
      `SELECT c.relname AS table_name, a.attname AS column_name, a.attnotnull AS not_null,
              t.typtype, t.typname, et.typtype AS elem_typtype, et.typname AS elem_typname,
              format_type(a.atttypid, a.atttypmod) AS formatted,
              pg_get_expr(d.adbin, d.adrelid) AS default_expr,
              a.attidentity AS identity, a.attgenerated AS generated
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_type t ON t.oid = a.atttypid
         LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> $2
          AND a.attnum > 0 AND NOT a.attisdropped`,
      [schema, MIGRATIONS_TABLE],
    );
    for (const row of columns.rows) {
      const type =
        row.typtype === 'e'
          ? `enum ${row.typname}`
          : row.elem_typtype === 'e'
            ? `enum ${row.elem_typname}[]`
            : row.formatted;
      let defaultValue: string | null = null;
      if (row.generated === 's') defaultValue = `GENERATED ALWAYS AS ${row.default_expr ?? '?'} STORED`;
      else if (row.identity === 'a' || row.identity === 'd')
        defaultValue = 'identity'; // Prisma uses serial, not identity
      else if (row.default_expr !== null) defaultValue = canonicalDbDefault(row.default_expr, row.formatted);
      lines.push(columnLine(row.table_name, row.column_name, type, row.not_null, defaultValue));
    }

    const indexes = await client.query<{
      name: string;
      table_name: string;
      is_primary: boolean;
      is_unique: boolean;
      method: string;
      predicate: string | null;
      columns: string;
    }>(
      `SELECT ic.relname AS name, c.relname AS table_name, i.indisprimary AS is_primary, i.indisunique AS is_unique,
              am.amname AS method, pg_get_expr(i.indpred, i.indrelid) AS predicate,
              (SELECT string_agg(
                        CASE WHEN k.attnum = 0 THEN pg_get_indexdef(i.indexrelid, k.ord::int, true) ELSE a.attname END
                        || CASE WHEN k.ord <= i.indnkeyatts AND (i.indoption[k.ord - 1] & 1) = 1 THEN ' DESC' ELSE '' END
                        || CASE WHEN k.ord > i.indnkeyatts THEN ' (INCLUDE)' ELSE '' END,
                        ', ' ORDER BY k.ord)
                 FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                 LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) AS columns
         FROM pg_index i
         JOIN pg_class ic ON ic.oid = i.indexrelid
         JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_am am ON am.oid = ic.relam
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname <> $2`,
      [schema, MIGRATIONS_TABLE],
    );
    for (const row of indexes.rows) {
      if (row.is_primary) lines.push(`primary key ${row.name}: ${row.table_name} (${row.columns})`);
      else {
        const kind = row.is_unique ? 'unique index' : 'index';
        lines.push(indexLine(kind, row.name, row.table_name, row.columns, row.method, row.predicate));
      }
    }

    const fks = await client.query<{
      name: string;
      table_name: string;
      columns: string;
      ref_table: string;
      ref_columns: string;
      on_delete: string;
      on_update: string;
    }>(
      `SELECT con.conname AS name, c.relname AS table_name, fc.relname AS ref_table,
              (SELECT string_agg(a.attname, ', ' ORDER BY k.ord)
                 FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
              (SELECT string_agg(a.attname, ', ' ORDER BY k.ord)
                 FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS ref_columns,
              con.confdeltype AS on_delete, con.confupdtype AS on_update
         FROM pg_constraint con
         JOIN pg_class c ON c.oid = con.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_class fc ON fc.oid = con.confrelid
        WHERE con.contype = 'f' AND n.nspname = $1`,
      [schema],
    );
    for (const row of fks.rows) {
      const action = (code: string): string => PG_ACTIONS[code] ?? `? (${code})`;
      lines.push(
        fkLine(
          row.name,
          row.table_name,
          row.columns,
          row.ref_table,
          row.ref_columns,
          action(row.on_delete),
          action(row.on_update),
        ),
      );
    }
    return lines;
  } finally {
    await client.end();
  }
}

/**
 * Lines only one side has, sorted so that the two versions of one object sit next to each other:
 * `-` for what the datamodel wants (missing or different in the database), then `+` for what the
 * database has instead. An object's identity is its line up to the first colon ("column t.c").
 */
export function diffSchemaLines(expected: readonly string[], actual: readonly string[]): string[] {
  const want = new Set(expected);
  const have = new Set(actual);
  const entries = [
    ...[...want].filter((line) => !have.has(line)).map((line) => ({ line, sign: '-' })),
    ...[...have].filter((line) => !want.has(line)).map((line) => ({ line, sign: '+' })),
  ];
  const compare = (a: string, b: string): number => (a === b ? 0 : a < b ? -1 : 1);
  const identity = (line: string): string => line.split(':')[0];
  entries.sort(
    (a, b) =>
      compare(identity(a.line), identity(b.line)) ||
      compare(a.sign === '-' ? '0' : '1', b.sign === '-' ? '0' : '1') ||
      compare(a.line, b.line),
  );
  return entries.map(({ line, sign }) => `${sign} ${line}`);
}

/** Everything at once: the drift between a datamodel and a database; empty when they agree. */
export async function findSchemaDrift(datamodelSource: string, databaseUrl: string): Promise<string[]> {
  const [expected, actual] = await Promise.all([
    describeDatamodel(datamodelSource),
    describeDatabase(databaseUrl),
  ]);
  return diffSchemaLines(expected, actual);
}

/** A readable failure message for a non-empty drift. */
export function formatSchemaDrift(drift: readonly string[], schemaLabel = 'prisma/schema.prisma'): string {
  return [
    `The migrated database does not match ${schemaLabel} (${drift.length} difference(s)):`,
    `  "-" = what ${schemaLabel} implies (missing or different in the database)`,
    `  "+" = what the database has instead, or in addition`,
    '',
    ...drift.map((line) => `  ${line}`),
    '',
    'Fix it with a new migration under prisma/migrations (never edit an applied one), or fix the schema.',
  ].join('\n');
}
