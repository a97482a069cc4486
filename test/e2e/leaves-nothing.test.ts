import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanUp, fixture, tempDir } from "../support/cli.js";
import { processesNaming } from "../support/global-setup.js";
import { gpgWithFixtureKeys } from "../support/gpg.js";
import { servePlatform } from "../support/platform.js";

describe("the tests leave nothing behind", () => {
  it("run in a temporary folder of their own, which the global teardown checks and removes", () => {
    expect(basename(tmpdir())).toMatch(/^mdimport-tests-/);
  });

  it("end the gpg-agent a GnuPG home started, the servers they started, and remove their folders", async () => {
    const gpg = gpgWithFixtureKeys();
    expect(gpg.decrypt(fixture("pgp/new-clients.rsa.xlsx.gpg")).code).toBe(0);
    const agent = processesNaming(tmpdir()).find((p) => /gpg-agent/.test(p.command));
    expect(agent, "gpg started an agent for its home").toBeDefined();
    const dir = tempDir();
    const serve = await servePlatform(join(dir, "platform.sqlite"));
    const served = new Promise((resolve) => serve.child.once("exit", resolve));

    cleanUp();

    await served;
    expect(serve.child.signalCode).toBe("SIGKILL");
    expect(existsSync(dir)).toBe(false);
    // gpgconf --kill asks the agent to end and waits for it; bounded, not timed.
    for (let i = 0; i < 100 && processesNaming(tmpdir()).some((p) => /gpg-agent/.test(p.command)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(processesNaming(tmpdir())).toEqual([]);
  });
});
