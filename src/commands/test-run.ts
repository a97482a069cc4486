import { PlatformIndex } from "../platform/platform.js";
import { openPlatform, type PlatformOptions } from "../platform/open.js";
import { planners, snapshotNeeds } from "../pipeline/plan.js";
import { getScript } from "../scripts/index.js";
import { checkSheet, type CommandResult, type SheetCommandOptions } from "./check-sheet.js";

export type TestRunOptions = SheetCommandOptions & Omit<PlatformOptions, "cwd">;

/**
 * `mdimport test-run`: plans every valid row against a snapshot of the platform and changes
 * nothing. Its report.json is what the requester approves.
 */
export async function testRunCommand(options: TestRunOptions): Promise<CommandResult> {
  const scriptDef = getScript(options.script);
  const platform = openPlatform(options);
  try {
    const index = new PlatformIndex(await platform.snapshot(snapshotNeeds[scriptDef.name]));
    const plan = planners[scriptDef.name];
    return await checkSheet({
      ...options,
      mode: "test-run",
      scriptDef,
      config: index.config,
      platform: platform.name,
      plan: (values) => plan(values, index),
    });
  } finally {
    await platform.close();
  }
}
