import { basename, dirname, resolve } from "node:path";
import { buildOnboardingTemplate, buildTemplate } from "../report/template-xlsx.js";
import { getScript, type Lang } from "../scripts/index.js";
import { UsageError } from "../shared/errors.js";
import { writeOutFile } from "../shared/out-dir.js";
import { exists } from "../shared/safe-fs.js";

export interface TemplateOptions {
  script: string;
  lang: Lang;
  out?: string;
  cwd: string;
  /** Replace a file of that name (without it, an existing file, perhaps a filled-in sheet, is a usage error). */
  force?: boolean;
}

/** `template onboarding`: the workbook of clients, professionals and relations together. */
export const ONBOARDING = "onboarding";

export const templateFileName = (script: string, lang: Lang) => `${script}.${lang}.xlsx`;

/**
 * `mdimport template`: writes the template of one script, by default into the current folder.
 * A file of that name may be a sheet already filled in: it is replaced only with --force.
 */
export async function templateCommand(options: TemplateOptions): Promise<string> {
  const onboarding = options.script === ONBOARDING;
  const script = onboarding ? undefined : getScript(options.script);
  const path = resolve(options.cwd, options.out ?? templateFileName(script?.name ?? ONBOARDING, options.lang));
  const refusal = () => new UsageError(`${path} already exists; give --force to replace it with an empty template.`);
  if (!options.force && exists(path)) throw refusal();
  const bytes = script ? await buildTemplate(script, options.lang) : await buildOnboardingTemplate(options.lang);
  try {
    writeOutFile(dirname(path), basename(path), bytes, { replace: options.force ?? false });
  } catch (error) {
    // Made by someone else while the template was being built.
    if (!options.force && error instanceof UsageError && exists(path)) throw refusal();
    throw error;
  }
  return path;
}
