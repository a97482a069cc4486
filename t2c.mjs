import { HttpClient } from "/work/wt-http/dist/platform/http/client.js";
setTimeout(() => { globalThis.gc(); console.log("gc"); }, 1000).unref();
const c = new HttpClient({ token: "x", rate: 10, timeoutMs: 2000, attempts: 1 });
const t0 = Date.now();
try { await c.request("GET", "http://127.0.0.1:44635/api/2"); } catch (e) { console.log("err", e.name, e.message, Date.now()-t0); }
