import { type Command, Option } from "commander";
import { checkRequestLimit } from "../platform/http/check.js";
import { defaultDb } from "../platform/open.js";
import { defaultVariantPageSize, parseVariants, variantNames } from "../platform/serve/variants.js";
import { UsageError } from "../shared/errors.js";
import { printableLines } from "../shared/printable.js";
import {
  addPlatformOptions,
  parseCount,
  parseShare,
  platformOptions,
  type PlatformCliOptions,
  withProfile,
} from "./options.js";
import { profilesJson, profilesText, readProfiles } from "./profiles.js";
import { debugging, type CliScope } from "./scope.js";

// The commands that need the local store are imported when they run (see program.ts).

/** platform: load, init, dump, check, list and serve, in that order in --help. */
export function addPlatformCommands(scope: CliScope): void {
  const { program, context, setExit } = scope;
  const platform = program
    .command("platform")
    .description("the embedded local platform: load a state, dump it, serve it as API 2; and the platform profiles");
  platform
    .command("load")
    .description("add the accounts and relations of a state file to the local platform (all or nothing)")
    .argument("<state>", "a state JSON file (config, clients, professionals, relations)")
    .option("--db <file>", "the local platform's SQLite file", defaultDb)
    .action(async (state: string, options: { db: string }) => {
      const loaded = await (
        await import("../commands/platform.js")
      ).platformLoadCommand(state, { db: options.db, cwd: context.cwd });
      context.stdout.write(
        `loaded ${loaded.clients} clients, ${loaded.professionals} professionals, ${loaded.relations} relations into ${options.db}\n`,
      );
      setExit(0);
    });
  platform
    .command("init")
    .description("make an empty local platform with a platform ID of its own (an existing one is left as it is)")
    .option("--db <file>", "the local platform's SQLite file", defaultDb)
    .action(async (options: { db: string }) => {
      const id = await (
        await import("../commands/platform.js")
      ).platformInitCommand({ db: options.db, cwd: context.cwd });
      context.stdout.write(`local platform ${options.db}: platform ID ${id}\n`);
      setExit(0);
    });
  platform
    .command("dump")
    .description("print the local platform's whole state as JSON, sorted")
    .option("--db <file>", "the local platform's SQLite file", defaultDb)
    .action(async (options: { db: string }) => {
      context.stdout.write(
        await (await import("../commands/platform.js")).platformDumpCommand({ db: options.db, cwd: context.cwd }),
      );
      setExit(0);
    });
  addPlatformOptions(
    platform
      .command("check")
      .description(
        `read-only: which of the API assumptions hold on a platform (the route table, entry by entry); at most ${checkRequestLimit} requests over HTTP (retries aside), nothing written`,
      ),
    { settings: false },
  )
    .option("--json", "print the table as JSON, for machines")
    .option("--debug", "show stack traces of errors")
    .action(async (given: PlatformCliOptions & { json?: boolean; debug?: boolean }, command: Command) => {
      const options = withProfile(given, command, context);
      const check = await import("../commands/platform-check.js");
      const platform = await platformOptions(options, context.env, debugging(scope, options), context.stderr);
      const result = await check.platformCheckCommand({ ...platform, cwd: context.cwd });
      context.stdout.write(options.json ? check.platformCheckJson(result) : check.renderPlatformCheck(result));
      setExit(result.exitCode);
    });
  platform
    .command("list")
    .description(
      "the platform profiles --platform NAME can name, and where each one's token comes from (never a token)",
    )
    .option("--json", "print them as one JSON document")
    // For the shell completions (cli/completion.ts): one name per line, only names a shell needs no quotes for.
    .addOption(new Option("--names").hideHelp())
    .action((options: { json?: boolean; names?: boolean }) => {
      const found = readProfiles(context.cwd, context.env);
      if (options.names) {
        const names = found.profiles.map((p) => p.name).filter((name) => /^[\w.@%+,-]+$/.test(name));
        context.stdout.write(names.map((name) => `${name}\n`).join(""));
        return setExit(0);
      }
      context.stdout.write(printableLines(options.json ? profilesJson(found) : profilesText(found)));
      setExit(0);
    });
  platform
    .command("serve")
    .description(
      "answer the Minddistrict API 2 routes mdimport uses over the local platform, with latency, faults and a rate limit",
    )
    .option("--db <file>", "the local platform's SQLite file", defaultDb)
    .option("--port <n>", "the port on 127.0.0.1 (0 picks a free one)", parseCount, 0)
    .option("--token <token>", "the one token accepted (Authorization: md-token TOKEN)", "local-dev-token")
    .option("--latency <ms>", "milliseconds every answer waits", parseCount, 0)
    .option("--fail-rate <p>", "share of requests (0 to 1) answered 503 or with a dropped connection", parseShare, 0)
    .option(
      "--rate-limit <n>",
      "requests per second beyond which the answer is 429 with Retry-After (0: none)",
      parseCount,
      0,
    )
    .option("--seed <n>", "seed of the fault dice, to repeat a run of faults", parseCount, 1)
    .option(
      "--mode <mode>",
      'the mode GET /api/2 reports; "production" plays a production platform (mode null)',
      "training",
    )
    .option("--variant <names>", `play another plausible platform: ${variantNames.join(", ")} (comma-separated)`)
    .option("--page-size <n>", "accounts per list page under --variant paged", parseCount, defaultVariantPageSize)
    .action(
      async (options: {
        db: string;
        port: number;
        token: string;
        latency: number;
        failRate: number;
        rateLimit: number;
        seed: number;
        mode: string;
        variant?: string;
        pageSize: number;
      }) => {
        if (options.port > 65535) throw new UsageError(`--port ${options.port} is not a port number.`);
        const { variant, pageSize, ...serve } = options;
        const variants = parseVariants(variant, pageSize);
        const running = await (
          await import("../commands/platform.js")
        ).platformServeCommand({
          ...serve,
          variants,
          mode: options.mode === "production" ? null : options.mode,
          cwd: context.cwd,
        });
        context.stdout.write(`listening on ${running.url}\n`);
        await new Promise<void>((resolve) => {
          process.once("SIGTERM", resolve);
          process.once("SIGINT", resolve);
        });
        await running.stop();
        context.stderr.write("mdimport platform serve: stopped\n");
        setExit(0);
      },
    );
}
