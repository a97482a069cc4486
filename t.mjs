const t0 = Date.now();
try {
  const r = await fetch("http://127.0.0.1:45071/", { signal: AbortSignal.timeout(2000) });
  console.log("headers", Date.now()-t0);
  const text = await r.text();
  console.log("text", text.length, Date.now()-t0);
} catch (e) { console.log("err", e.name, e.code, e.cause?.code, Date.now()-t0); }
