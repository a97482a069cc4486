import { describe, expect, it } from "vitest";
import { RequestLog, type RequestEntry } from "./request-log.js";

const entry = (over: Partial<RequestEntry>): RequestEntry => ({
  method: "POST",
  route: "/api/2/c",
  name: "createClient",
  status: 201,
  ms: 1,
  try: 1,
  wait_ms: 0,
  ...over,
});

describe("RequestLog.unsure: the exchanges that tell a write whose outcome had to be found out", () => {
  it("counts retries, failed exchanges and look-ups, not plain answers or refusals", () => {
    const log = new RequestLog(new Set(["lookupClient", "listClients"]));
    log.record(entry({}));
    log.record(entry({ status: 400 }));
    log.record(entry({ method: "GET", route: "/api/2/c/{id}", name: "readClient", status: 404 }));
    expect(log.unsure).toBe(0);
    log.record(entry({ status: 503 }));
    log.record(entry({ status: null, failure: "dropped", try: 2 }));
    log.record(entry({ status: 429 }));
    expect(log.unsure).toBe(3);
    log.record(entry({ method: "GET", route: "/api/2/aux/client/id/{id}", name: "lookupClient", status: 200 }));
    log.record(entry({ method: "GET", route: "/api/2/c/items", name: "listClients", status: 200 }));
    log.record(entry({ status: 201, try: 2 }));
    expect(log.unsure).toBe(6);
  });
});
