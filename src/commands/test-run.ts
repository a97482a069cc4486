import { PlatformIndex } from "../platform/platform.js";
import { openPlatform, type PlatformOptions } from "../platform/open.js";
import { planners, snapshotNeeds, type Operation } from "../pipeline/plan.js";
import { settleExistingLinks } from "../pipeline/relations.js";
import { PendingRoles } from "../pipeline/roles.js";
import { getScript } from "../scripts/index.js";
import { checkSheet, type CommandResult, type SheetCommandOptions } from "./check-sheet.js";

export type TestRunOptions = SheetCommandOptions & Omit<PlatformOptions, "cwd">;

/**
 * `mdimport test-run`: plans every valid row against a snapshot of the platform and changes
 * nothing. Its report.json is what the requester approves.
 */
export async function testRunCommand(options: TestRunOptions): Promise<CommandResult> {
  const scriptDef = getScript(options.script);
  const platform = await openPlatform(options);
  try {
    // Roles a platform's list does not give are read afterwards, for the rows that need them.
    const roles = new PendingRoles();
    // Links are kept only where the platform's relations must be read per client afterwards.
    const links = new Map<number, Operation>();
    const keepLinks = scriptDef.name === "relations" && platform.relationsOf !== undefined;
    const result = await checkSheet({
      ...options,
      mode: "test-run",
      scriptDef,
      platform: { name: platform.name, id: platform.id },
      // The snapshot is taken while the workbook's reader opens the workbook on its thread.
      prepare: async () => {
        const index = new PlatformIndex(await platform.snapshot(snapshotNeeds[scriptDef.name]));
        const plan = roles.wrap(planners[scriptDef.name], index);
        return {
          config: index.config,
          plan: (values, row) => {
            const planned = plan(values, row);
            if (keepLinks && planned.operation) links.set(row, planned.operation);
            return planned;
          },
        };
      },
      onLog: (log) => platform.attachLog?.(log),
      settle: async (results) => {
        await roles.settle(results, links, platform);
        await settleExistingLinks(results, links, platform);
      },
    });
    return platform.mode === undefined ? result : { ...result, platformMode: platform.mode };
  } finally {
    await platform.close();
  }
}
