// api.js — the daemon's HTTP API: JSON in and out, the session's CSRF token on
// every mutating request, and a redirect to the login page when the session ends.
const CSRF_KEY = 'vigie.csrf';

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.detail ? body.detail : `HTTP ${status}`);
    this.status = status;
    this.code = body && body.error;
  }
}

export function rememberCsrf(token) {
  sessionStorage.setItem(CSRF_KEY, token);
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['X-CSRF-Token'] = sessionStorage.getItem(CSRF_KEY) || '';
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return null;
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    if (res.status === 401 && !location.pathname.endsWith('login.html')) {
      location.href = 'login.html';
    }
    throw new ApiError(res.status, data);
  }
  return data;
}
