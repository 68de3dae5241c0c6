import { apiErrorFromRest, ApiError } from './api-error';
import { csrfHeaders } from './cookies';

/**
 * Downloads a file the api streams (the usage CSV). Cookie-authenticated requests must carry the CSRF
 * header, which a plain link cannot send, so the file is fetched and handed to the browser as a blob.
 */
export async function downloadCsv(path: string, fallbackName: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', headers: csrfHeaders() });
  } catch (error) {
    throw ApiError.unreachable(error instanceof Error ? error.message : String(error));
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined);
    throw apiErrorFromRest(response.status, body);
  }
  const name =
    /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
