// Helpers the browser tests share (e2e.mjs, control.mjs, check.mjs).

export const fail = (msg) => { throw new Error(msg); };
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls a function in the page until it returns something truthy (waitForFunction
// evaluates strings, which the CSP forbids); fails after `timeout` ms.
export async function until(page, fn, arg, what, timeout = 30000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn, arg).catch(() => false);
    if (v) return v;
    if (Date.now() > end) fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
