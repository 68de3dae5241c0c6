import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type AppConfig } from '@streamplane/config';
import { PrismaService } from '@streamplane/db';
import { randomBytes, randomUUID } from 'node:crypto';
import { createApiApp } from '../src/create-api-app';

/**
 * The real api, listening on a real port, against this jest worker's own PostgreSQL database and
 * Redis key prefix (see libs/testing/src/jest). Logs are captured so tests can search them.
 */
export interface TestApi {
  app: NestFastifyApplication;
  baseUrl: string;
  config: AppConfig;
  prisma: PrismaService;
  logs: string[];
  client(): ApiClient;
  close(): Promise<void>;
}

export async function startTestApi(env: Record<string, string> = {}): Promise<TestApi> {
  // Behind a trusted proxy, each test client can present its own address (X-Forwarded-For), so
  // per-IP rate limits are exercised realistically without tests starving each other.
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'info', TRUST_PROXY: 'true', ...env });
  const logs: string[] = [];
  const app = await createApiApp(config, {
    logDestination: { write: (line: string) => void logs.push(line) },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    baseUrl,
    config,
    prisma: app.get(PrismaService),
    logs,
    client: () => new ApiClient(baseUrl),
    close: () => app.close(),
  };
}

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface GqlResult {
  status: number;
  data: any;
  errors?: {
    message: string;
    path?: string[];
    extensions: { code: string; reason: string; requestId: string; fields?: any[] };
  }[];
}

/** A browser-like client: keeps cookies, echoes the CSRF cookie, or authenticates with a bearer token. */
export class ApiClient {
  readonly ip = `10.${rand255()}.${rand255()}.${rand255()}`;
  readonly cookies = new Map<string, string>();
  bearer?: string;

  constructor(readonly baseUrl: string) {}

  withBearer(token: string): ApiClient {
    const client = new ApiClient(this.baseUrl);
    client.bearer = token;
    return client;
  }

  async request(
    method: string,
    path: string,
    options: { json?: unknown; body?: string; headers?: Record<string, string> } = {},
  ): Promise<HttpResult> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip, ...this.authHeaders() };
    let body: string | undefined = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: { ...headers, ...options.headers },
      body,
    });
    this.storeCookies(response.headers);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON (metrics text) */
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  post(path: string, json?: unknown, headers?: Record<string, string>): Promise<HttpResult> {
    return this.request('POST', path, { json: json ?? {}, headers });
  }

  async gql(query: string, variables: Record<string, unknown> = {}): Promise<GqlResult> {
    const result = await this.post('/graphql', { query, variables });
    return { status: result.status, data: result.body?.data, errors: result.body?.errors };
  }

  async signup(overrides: Partial<SignupBody> = {}): Promise<SignedUp> {
    const body = signupBody(overrides);
    const result = await this.post('/v1/auth/signup', body);
    if (result.status !== 201)
      throw new Error(`signup failed: ${result.status} ${JSON.stringify(result.body)}`);
    return { ...result.body, password: body.password, email: body.email };
  }

  async login(email: string, password: string, organizationId?: string): Promise<HttpResult> {
    return this.post('/v1/auth/login', { email, password, ...(organizationId ? { organizationId } : {}) });
  }

  private authHeaders(): Record<string, string> {
    if (this.bearer) return { authorization: `Bearer ${this.bearer}` };
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const csrf = this.cookies.get('sp_csrf');
    if (csrf) headers['x-csrf-token'] = csrf;
    return headers;
  }

  private storeCookies(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line);
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

export interface SignupBody {
  email: string;
  password: string;
  name: string;
  organizationName: string;
}

export interface SignedUp {
  user: { id: string; email: string; name: string };
  organization: { id: string; name: string; slug: string };
  role: string;
  csrfToken: string;
  email: string;
  password: string;
}

/** A result in one line, for failure messages. */
export function describeResult(result: GqlResult): string {
  return JSON.stringify({
    status: result.status,
    data: result.data,
    errors: result.errors?.map((e) => e.extensions),
  });
}

/** The data of a call that must succeed (a fixture, not the thing under test); throws otherwise. */
export function expectOk(result: GqlResult, what: string): GqlResult['data'] {
  if (result.errors?.length || !result.data) throw new Error(`${what} failed: ${describeResult(result)}`);
  return result.data;
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.com`;
}

export function signupBody(overrides: Partial<SignupBody> = {}): SignupBody {
  return {
    email: uniqueEmail(),
    password: `pw-${randomBytes(8).toString('hex')}`,
    name: 'Test Person',
    organizationName: 'Test Org',
    ...overrides,
  };
}

/**
 * Every table's row count and a digest of its contents: "nothing was written" is this snapshot unchanged.
 * Pass `except` for tables a read legitimately touches (e.g. api_tokens.last_used_at).
 */
export async function databaseSnapshot(
  prisma: PrismaService,
  except: string[] = [],
): Promise<Record<string, string>> {
  const rows = await prisma.$queryRaw<{ table_name: string }[]>`
    SELECT table_name::text AS table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
    ORDER BY table_name`;
  const snapshot: Record<string, string> = {};
  for (const { table_name } of rows.filter((r) => !except.includes(r.table_name))) {
    const [row] = await prisma.$queryRawUnsafe<{ count: bigint; digest: string | null }[]>(
      `SELECT count(*) AS count, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM "${table_name}" t`,
    );
    snapshot[table_name] = `${row.count} rows, ${row.digest}`;
  }
  return snapshot;
}

/**
 * The whole database, so that "nothing was written" means nothing anywhere. API tokens are compared
 * without last_used_at, which moves whenever a token authenticates (e.g. the caller's own).
 */
export async function wholeDatabase(prisma: PrismaService) {
  return {
    tables: await databaseSnapshot(prisma, ['api_tokens']),
    apiTokens: await prisma.apiToken.findMany({ omit: { lastUsedAt: true }, orderBy: { id: 'asc' } }),
  };
}

function rand255(): number {
  return Math.floor(Math.random() * 254) + 1;
}
