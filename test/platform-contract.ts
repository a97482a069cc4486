import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PlatformRuleError, type Platform } from "../src/platform/platform.js";
import { newClient, newProfessional } from "./support/accounts.js";

const all = { clients: true, professionals: true, relations: true, roles: true };

const rule = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
    return "accepted";
  } catch (error) {
    if (error instanceof PlatformRuleError) return error.rule;
    throw error;
  }
};

/**
 * The behaviour every platform adapter must show: the local store now, the API 2 adapter
 * against `platform serve` later. `open` gives a fresh, empty platform.
 */
export function platformContract(
  name: string,
  open: () => Promise<Platform>,
  options: { faults?: boolean } = {},
): void {
  describe(`platform contract: ${name}`, () => {
    let platform: Platform;
    beforeEach(async () => {
      platform = await open();
    });
    afterEach(async () => {
      await platform.close();
    });

    it("creates accounts with a new 32-hex Minddistrict ID, and lists them", async () => {
      const client = await platform.createClient(newClient(1, { bsn: "111222333", date_of_birth: "1990-04-01" }));
      const professional = await platform.createProfessional(newProfessional(1, { role: "supervisor" }));
      expect(client.md_id).toMatch(/^[0-9a-f]{32}$/);
      expect(professional.md_id).toMatch(/^[0-9a-f]{32}$/);
      const snapshot = await platform.snapshot(all);
      expect(snapshot.clients).toEqual([client]);
      expect(snapshot.professionals).toEqual([professional]);
    });

    it("keeps e-mail addresses unique across clients and professionals, active or not", async () => {
      await platform.createClient(newClient(1, { active: false }));
      expect(await rule(platform.createClient(newClient(2, { email: "c1@voorbeeld.nl" })))).toBe("email_in_use");
      expect(await rule(platform.createProfessional(newProfessional(1, { email: "c1@voorbeeld.nl" })))).toBe(
        "email_in_use",
      );
    });

    it("keeps source IDs unique per kind, and BSNs unique", async () => {
      await platform.createClient(newClient(1, { bsn: "111222333" }));
      expect(await rule(platform.createClient(newClient(2, { id: "C1" })))).toBe("external_id_in_use");
      expect(await rule(platform.createClient(newClient(3, { bsn: "111222333" })))).toBe("bsn_in_use");
      expect(await rule(platform.createProfessional(newProfessional(1, { id: "C1" })))).toBe("accepted");
    });

    it("updates fields, and refuses an update that breaks a rule or names no account", async () => {
      const a = await platform.createClient(newClient(1));
      await platform.createClient(newClient(2));
      expect(await platform.updateClient(a.md_id, { id: "C10", last_name: "Visser" })).toMatchObject({
        id: "C10",
        last_name: "Visser",
        email: "c1@voorbeeld.nl",
      });
      expect(await rule(platform.updateClient(a.md_id, { id: "C2" }))).toBe("external_id_in_use");
      expect(await rule(platform.updateClient("0".repeat(32), { id: "C3" }))).toBe("not_found");
      const p = await platform.createProfessional(newProfessional(1));
      expect(await platform.updateProfessional(p.md_id, { role: "secretary" })).toMatchObject({ role: "secretary" });
    });

    it("links a professional to a client once", async () => {
      const client = await platform.createClient(newClient(1));
      const professional = await platform.createProfessional(newProfessional(1));
      const relation = { professional_md_id: professional.md_id, client_md_id: client.md_id };
      await platform.link(relation);
      // An adapter that cannot list all relations at once reads them per client.
      const relations = platform.relationsOf
        ? await platform.relationsOf([client.md_id])
        : (await platform.snapshot(all)).relations;
      expect(relations).toEqual([relation]);
      // Under faults, a link whose answer was lost and is then found made is as good as done.
      expect(await rule(platform.link(relation))).toMatch(
        options.faults ? /^(relation_exists|accepted)$/ : /^relation_exists$/,
      );
      expect(
        await rule(platform.link({ professional_md_id: client.md_id, client_md_id: professional.md_id })),
      ).not.toBe("accepted");
    });

    it("reads one account back as it holds it, a professional with its group, and null for an account it has not", async () => {
      const client = await platform.createClient(
        newClient(1, { bsn: "111222333", date_of_birth: "1990-04-01", phone_number: "+31612345678" }),
      );
      const professional = await platform.createProfessional(newProfessional(1, { role: "supervisor" }));
      expect(await platform.readAccount("client", client.md_id)).toEqual(client);
      expect(await platform.readAccount("professional", professional.md_id)).toEqual(professional);
      await platform.updateProfessional(professional.md_id, { role: "secretary", last_name: "Visser" });
      expect(await platform.readAccount("professional", professional.md_id)).toEqual({
        ...professional,
        role: "secretary",
        last_name: "Visser",
      });
      expect(await platform.readAccount("client", "0".repeat(32))).toBeNull();
    });

    it("reads only what a plan needs", async () => {
      await platform.createClient(newClient(1));
      const snapshot = await platform.snapshot({ clients: false, professionals: true, relations: false });
      expect(snapshot.clients).toEqual([]);
      expect(snapshot.config.details_protection).toBe("protect_external");
    });
  });
}

/** What every adapter must also do for a run that was interrupted between creating and activating. */
export function activationContract(name: string, open: () => Promise<Platform>): void {
  describe(`platform contract: ${name}, activation`, () => {
    it("activates an inactive account, setting a professional's role first", async () => {
      const platform = await open();
      try {
        const client = await platform.createClient(newClient(1, { active: false }));
        const professional = await platform.createProfessional(newProfessional(1, { active: false }));
        await platform.activate({ kind: "client", md_id: client.md_id }, { welcomeMail: "no" });
        await platform.activate(
          { kind: "professional", md_id: professional.md_id, role: "secretary" },
          { welcomeMail: "yes" },
        );
        const snapshot = await platform.snapshot(all);
        expect(snapshot.clients).toEqual([{ ...client, active: true }]);
        expect(snapshot.professionals).toEqual([{ ...professional, active: true, role: "secretary" }]);
      } finally {
        await platform.close();
      }
    });
  });
}
