import * as http from 'node:http';

/** A JSON POST for set-up steps (sign-up, GraphQL mutations); the body parsed when there is one. */
export async function postJson(
  baseUrl: string,
  path: string,
  json: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(json),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/**
 * The measured request: a POST over a keep-alive agent with node:http (not fetch), so each client's
 * connection is reused and nothing but the request itself is timed.
 */
export function postOnAgent(
  agent: http.Agent,
  url: URL,
  request: { path: string; contentType: string; token: string; body: string },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: request.path,
        method: 'POST',
        headers: {
          'content-type': request.contentType,
          'content-length': Buffer.byteLength(request.body),
          authorization: `Bearer ${request.token}`,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}
