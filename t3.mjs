import { openPlatform } from "/work/wt-http/dist/platform/open.js";
const t0 = Date.now();
setInterval(() => console.log("tick", Date.now()-t0), 5000).unref();
try { await openPlatform({ platform: "http://127.0.0.1:44699", token: "x", cwd: "/tmp", timeoutSeconds: 3 }); } catch (e) { console.log("err", e.name, e.message, Date.now()-t0); }
