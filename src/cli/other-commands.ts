import { Argument } from "commander";
import { scriptNames, type Lang } from "../scripts/index.js";
import { UsageError } from "../shared/errors.js";
import { completionScript, type Shell, shells } from "./completion.js";
import { collect, langOption, readPassphrase } from "./options.js";
import type { CliScope } from "./scope.js";

// template, encrypt and completion: one builder each. template needs exceljs and encrypt
// openpgp, so each imports its command when it runs (see program.ts).

interface EncryptCliOptions {
  to?: string[];
  passwordFile?: string;
  signKey?: string;
  passphraseFile?: string;
  armor?: boolean;
  out?: string;
  force?: boolean;
}

/** template: an empty sheet for a script. */
export function addTemplateCommand(scope: CliScope): void {
  const { program, context, setExit } = scope;
  program
    .command("template")
    .description("write an empty sheet for a script, with an explanation sheet and dropdowns")
    .argument("<script>", `one of ${scriptNames.join(", ")}`)
    .option("--out <file>", "where to write the template (default: <script>.<lang>.xlsx here)")
    .addOption(langOption())
    .option("--force", "replace a file of that name (without it, an existing file is never overwritten)")
    .option("--debug", "show stack traces of errors")
    .action(async (script: string, options: { out?: string; lang: Lang; force?: boolean }) => {
      const path = await (
        await import("../commands/template.js")
      ).templateCommand({
        script,
        lang: options.lang,
        cwd: context.cwd,
        force: Boolean(options.force),
        ...(options.out ? { out: options.out } : {}),
      });
      context.stdout.write(`template written: ${path}\n`);
      setExit(0);
    });
}

/** encrypt: a sheet encrypted for the developer, by the organisation that sends it. */
export function addEncryptCommand(scope: CliScope): void {
  const { program, context, setExit } = scope;
  program
    .command("encrypt")
    .description(
      "encrypt a sheet to the developer's public keys and/or with a password (and sign it), for the organisation that sends it",
    )
    .argument("<file>", "the file to encrypt, usually an .xlsx workbook")
    .option(
      "--to <file>",
      "a recipient's public key, armored or binary (repeatable: the developer and a colleague)",
      collect,
    )
    .option(
      "--password-file <file>",
      "a file holding a password that opens the file too (symmetric; with or without --to)",
    )
    .option(
      "--sign-key <file>",
      "the sender's private key, to sign with; its passphrase from MDIMPORT_PASSPHRASE or --passphrase-file",
    )
    .option("--passphrase-file <file>", "a file holding the signing key's passphrase")
    .option("--armor", "write ASCII-armored text instead of binary (default name <file>.asc)")
    .option("--out <file>", "where to write (default: <file>.gpg, or <file>.asc with --armor)")
    .option("--force", "replace a file of that name (without it, an existing file is never overwritten)")
    .option("--debug", "show stack traces of errors")
    .action(async (file: string, options: EncryptCliOptions) => {
      const passphrase = await readPassphrase(options.passphraseFile, context.env);
      const path = await (
        await import("../commands/encrypt.js")
      ).encryptCommand({
        file,
        to: options.to ?? [],
        cwd: context.cwd,
        armor: Boolean(options.armor),
        force: Boolean(options.force),
        ...(options.passwordFile ? { passwordFile: options.passwordFile } : {}),
        ...(options.signKey ? { signKey: options.signKey } : {}),
        ...(passphrase !== undefined ? { passphrase } : {}),
        ...(options.out ? { out: options.out } : {}),
      });
      context.stdout.write(`encrypted: ${path}\n`);
      setExit(0);
    });
}

/** completion: a completion script made from the program as built so far (so it is added last). */
export function addCompletionCommand(scope: CliScope): void {
  const { program, context, setExit } = scope;
  program
    .command("completion")
    .description("print a completion script for bash, zsh or fish (made from this program's commands and options)")
    .addArgument(
      new Argument("<shell>", "bash, zsh or fish").choices(shells).argParser((value: string) => {
        const shell = shells.find((s) => s === value.toLowerCase());
        if (!shell) throw new UsageError(`argument shell: "${value}" is not one of ${shells.join(", ")}.`);
        return shell;
      }),
    )
    .action((shell: Shell) => {
      context.stdout.write(completionScript(program, shell));
      setExit(0);
    });
}
