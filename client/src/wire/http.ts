// HTTP for the contract's routes: the route's auth header, JSON or raw bodies, and every answer
// that is not 2xx turned into an ApiError. Works wherever fetch does (browsers, Node 20).
import { HEADERS, pathOf, type Route } from '../../../contract/routes.mjs';
import { ApiError } from './errors.js';

/** Where the server is and how to reach it. */
export interface HttpOptions {
  /** The server's origin, e.g. 'http://127.0.0.1:8080'; '' (the default) means this page's. */
  baseUrl?: string;
  /** fetch to use (tests pass one that counts or alters requests); the global one by default. */
  fetch?: typeof fetch;
}

/** The credentials of a client: an account's session token or a public link's access token. */
export interface Credentials {
  token?: string;
  accessToken?: string;
}

export interface RequestOptions {
  params?: Record<string, string | number>;
  query?: Record<string, string>;
  json?: unknown;
  body?: Uint8Array;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export type Http = (route: Route, options?: RequestOptions) => Promise<Response>;

async function failure(res: Response): Promise<ApiError> {
  let body: { error?: unknown; message?: unknown } | undefined;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  const code = typeof body?.error === 'string' ? body.error : 'http_error';
  const message = typeof body?.message === 'string' ? body.message : `the server answered ${res.status}`;
  return new ApiError(res.status, code, message, res.headers, body);
}

export function createHttp(options: HttpOptions, credentials: Credentials): Http {
  const base = options.baseUrl ?? '';
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  return async (route, { params, query, json, body, headers = {}, signal } = {}) => {
    const h: Record<string, string> = { ...headers };
    if (route.auth === 'account') {
      if (!credentials.token) throw new ApiError(401, 'unauthorized', 'not signed in');
      h[HEADERS.authToken] = credentials.token;
    } else if (route.auth === 'link') {
      if (!credentials.accessToken) throw new ApiError(401, 'unauthorized', 'no public link');
      h[HEADERS.accessToken] = credentials.accessToken;
    }
    let payload: BodyInit | undefined;
    if (json !== undefined) {
      payload = JSON.stringify(json);
      h['content-type'] = 'application/json';
    } else if (body !== undefined) {
      payload = body as Uint8Array<ArrayBuffer>;
      h['content-type'] = 'application/octet-stream';
    }
    const search = query ? `?${new URLSearchParams(query)}` : '';
    const res = await send(base + pathOf(route, params) + search, { method: route.method, headers: h, body: payload, signal });
    if (!res.ok) throw await failure(res);
    return res;
  };
}
