import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a fake cloud received it. */
export interface FakeRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeResponse {
  status: number;
  contentType: string;
  body: string;
}

/** An HTTP server on 127.0.0.1 and a free port, answering with `handle`. For tests only. */
export async function startFakeServer(
  handle: (request: FakeRequest) => FakeResponse,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let response: FakeResponse;
      try {
        response = handle({
          method: req.method ?? 'GET',
          url: new URL(req.url ?? '/', 'http://127.0.0.1'),
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      } catch (error) {
        response = { status: 500, contentType: 'text/plain', body: String(error) };
      }
      res.writeHead(response.status, { 'content-type': response.contentType, connection: 'close' });
      res.end(response.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export function json(status: number, body: unknown): FakeResponse {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) };
}
