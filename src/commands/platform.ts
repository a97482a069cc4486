import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { PlatformRuleError } from "../platform/local/local-platform.js";
import { openLocalPlatform } from "../platform/open.js";
import { stateSchema } from "../platform/state.js";
import { PlatformServer, type ServeOptions } from "../platform/serve/server.js";
import { InputError, UsageError } from "../shared/errors.js";

export interface PlatformStoreOptions {
  db?: string;
  cwd: string;
}

/**
 * `mdimport platform load`: adds a state to the local platform, all of it or (when it breaks
 * a rule) none of it. Returns how many accounts and relations were added.
 */
export async function platformLoadCommand(
  path: string,
  options: PlatformStoreOptions,
): Promise<{ clients: number; professionals: number; relations: number }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new InputError(`The state file ${basename(path)} cannot be read as JSON: ${(error as Error).message}.`, {
      cause: error,
    });
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `The state file ${basename(path)} is not valid: ${issue?.path.join(".") || "(top)"} ${issue?.message ?? ""}; nothing was loaded.`,
    );
  }
  const platform = openLocalPlatform(options.db, options.cwd, { create: true });
  try {
    platform.load(parsed.data);
  } catch (error) {
    if (error instanceof PlatformRuleError) {
      throw new InputError(
        `The state file ${basename(path)} breaks a rule of the platform at ${error.message}; nothing was loaded.`,
        {
          cause: error,
        },
      );
    }
    throw error;
  } finally {
    await platform.close();
  }
  return {
    clients: parsed.data.clients.length,
    professionals: parsed.data.professionals.length,
    relations: parsed.data.relations.length,
  };
}

/** `mdimport platform init`: makes an empty local platform (nothing if one is there); returns its platform ID. */
export async function platformInitCommand(options: PlatformStoreOptions): Promise<string> {
  const platform = openLocalPlatform(options.db, options.cwd, { create: true });
  try {
    return platform.id;
  } finally {
    await platform.close();
  }
}

/** `mdimport platform dump`: the local platform's whole state, sorted, as JSON text. */
export async function platformDumpCommand(options: PlatformStoreOptions): Promise<string> {
  const platform = openLocalPlatform(options.db, options.cwd);
  try {
    return `${JSON.stringify(platform.dump(), null, 2)}\n`;
  } finally {
    await platform.close();
  }
}

export type PlatformServeOptions = PlatformStoreOptions & Omit<ServeOptions, "store">;

/** A running `platform serve`: its URL, and how to stop it (store closed too). */
export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/** `mdimport platform serve`: the API 2 over the local store, until stopped. */
export async function platformServeCommand(options: PlatformServeOptions): Promise<RunningServer> {
  const store = openLocalPlatform(options.db, options.cwd);
  const { db, cwd, ...serve } = options;
  void [db, cwd];
  const server = new PlatformServer({ ...serve, store });
  try {
    const url = await server.listen();
    return {
      url,
      stop: async () => {
        await server.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw new UsageError(`Cannot listen on port ${options.port}: ${(error as Error).message}.`, { cause: error });
  }
}
