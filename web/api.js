// The JSON API (/api, see openapi.json): errors become ApiError with a Danish
// message (errors.js); a 401 hands over to the shell, which remembers the page and
// shows the login. Every permission is enforced by the API.
import { errorText } from './errors.js';

export class ApiError extends Error {
  constructor(status, err) {
    super(errorText(status, err));
    this.status = status;
    this.code = err && err.code;
    this.key = err && err.key;
    this.vars = (err && err.vars) || {};
    this.field = err && err.field;
    this.serverMessage = err && err.message;
  }
}

let onUnauthenticated = () => {};
export function setUnauthenticatedHandler(fn) { onUnauthenticated = fn; }

async function body(res) {
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) return res.json().catch(() => null);
  return res.text();
}

export async function api(path, opts = {}) {
  let res;
  try {
    res = await fetch(path, { credentials: 'same-origin', ...opts });
  } catch {
    throw new ApiError(0, { key: 'error.network' });
  }
  const b = await body(res);
  if (res.status === 401 && !path.startsWith('/api/login')) {
    onUnauthenticated();
    throw new ApiError(401, b && b.error);
  }
  if (!res.ok) throw new ApiError(res.status, b && b.error);
  return b;
}

export const sendJson = (path, data, method = 'POST') =>
  api(path, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(data) });

// A multipart upload with the bytes sent reported as they go (fetch cannot report
// upload progress): onProgress(sentBytes, totalBytes).
export function upload(path, formData, onProgress) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', path);
    x.withCredentials = true;
    x.responseType = 'text';
    x.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded, e.total); };
    x.onerror = () => reject(new ApiError(0, { key: 'error.network' }));
    x.onload = () => {
      let b = null;
      try { b = JSON.parse(x.responseText); } catch { b = null; }
      if (x.status === 401) { onUnauthenticated(); reject(new ApiError(401, b && b.error)); return; }
      if (x.status < 200 || x.status >= 300) { reject(new ApiError(x.status, b && b.error)); return; }
      resolve(b);
    };
    x.send(formData);
  });
}
