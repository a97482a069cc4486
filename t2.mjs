import { HttpClient } from "/work/wt-http/dist/platform/http/client.js";
const c = new HttpClient({ token: "x", rate: 10, timeoutMs: 2000, attempts: 3 });
const t0 = Date.now();
try { await c.request("GET", "http://127.0.0.1:45953/api/2"); } catch (e) { console.log("err", e.name, e.message, Date.now()-t0); }
