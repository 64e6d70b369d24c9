// The Web Worker of "Tjek regninger" (pages/check.js): runs the WebAssembly
// build of `almen check` (src/wasm/, served from /wasm/) on a file the page
// hands it. The file lives only in this worker's memory (emscripten's
// in-memory file system) for the duration of the check and is deleted after:
// nothing is sent anywhere. Messages:
//   page -> worker  {type: 'check', name, bytes: ArrayBuffer}
//   worker -> page  {type: 'ready', info} | {type: 'missing'} | {type: 'failed', message}
//                   {type: 'result', ok, report | error, seconds}
/* global AlmenCheck */
let mod = null;

async function start() {
  try {
    importScripts('/wasm/almen_check.js');
  } catch {
    postMessage({ type: 'missing' });
    return;
  }
  try {
    mod = await AlmenCheck({ locateFile: (p) => `/wasm/${p}`, print: () => {}, printErr: () => {} });
    mod.FS.mkdirTree('/check');
    mod.FS.chdir('/check');
    const info = JSON.parse(mod.UTF8ToString(mod.ccall('almen_agreement_info', 'number', [], [])));
    postMessage({ type: 'ready', info });
  } catch (e) {
    postMessage({ type: 'failed', message: String(e && e.message ? e.message : e) });
  }
}

// Only the file's own name (no directories) is used in the file system and the messages.
const safeName = (n) => (String(n || 'regninger.csv').split(/[\\/]/).pop() || 'regninger.csv').replace(/^\.+/, '_');

onmessage = (e) => {
  const m = e.data;
  if (m.type !== 'check' || !mod) return;
  const name = safeName(m.name);
  const t0 = performance.now();
  let out;
  try {
    mod.FS.writeFile(name, new Uint8Array(m.bytes));
    out = JSON.parse(mod.UTF8ToString(mod.ccall('almen_check', 'number', ['string', 'string'], [name, '{}'])));
  } catch (err) {
    out = { ok: false, error: String(err && err.message ? err.message : err) };
  } finally {
    try { mod.FS.unlink(name); } catch { /* already gone */ }
  }
  postMessage({ type: 'result', ...out, seconds: (performance.now() - t0) / 1000 });
};

start();
