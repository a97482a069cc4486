import type { Command, Option } from "commander";
import { scriptNames } from "../scripts/index.js";
import { UsageError } from "../shared/errors.js";

/** Edits (insert, delete, replace, swap two neighbours) between two words. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidates nearest to a word, when they are near enough to be what was meant (a typo, not another word). */
export function nearest(word: string, candidates: readonly string[]): string[] {
  const bare = (s: string) => s.replace(/^--/, "").toLowerCase();
  const limit = Math.max(1, Math.floor(bare(word).length * 0.4));
  const scored = candidates.map((c) => ({ c, d: editDistance(bare(word), bare(c)) })).filter(({ d }) => d <= limit);
  const best = Math.min(...scored.map(({ d }) => d));
  return scored.filter(({ d }) => d === best).map(({ c }) => c);
}

const didYouMean = (word: string, candidates: readonly string[]): string => {
  const near = nearest(word, candidates);
  return near.length === 0
    ? ""
    : `; did you mean ${near.slice(0, -1).join(", ")}${near.length > 1 ? " or " : ""}${near.at(-1)}?`;
};

/** The long options a command takes, its parents' included (commander reads those anywhere). */
function longOptions(chain: readonly Command[]): Map<string, Option> {
  const known = new Map<string, Option>();
  for (const command of chain) for (const option of command.options) if (option.long) known.set(option.long, option);
  return known;
}

/**
 * Stops on the first unknown long option, naming it and the option it is nearest to.
 * NOTE: commander reports a missing required option before an unknown one, so `--scirpt`
 * read as "required option --script not specified"; this check runs before commander's.
 * Arguments it does not understand (an unknown command, short options) are left to commander.
 */
export function checkUnknownOptions(program: Command, args: readonly string[]): void {
  const chain: Command[] = [program];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") return;
    const command = chain.at(-1)!;
    if (!arg.startsWith("--")) {
      const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
      if (sub) chain.push(sub);
      continue;
    }
    const flag = arg.split("=")[0]!;
    const known = longOptions(chain);
    const option = known.get(flag);
    if (option) {
      // A value given as the next argument is not an option, whatever it looks like.
      if (option.required && !arg.includes("=")) i++;
      continue;
    }
    if (flag === "--help" || (chain.length === 1 && flag === "--version")) continue;
    const candidates = [...known.keys(), "--help"];
    const hint = didYouMean(flag, candidates);
    throw new UsageError(`unknown option ${flag}${hint || "."}`);
  }
}

/** `option --rate: "fast" is not a number greater than 0.` from a parser's "…is not a number greater than 0." */
const valueError = (option: Option, message: string) =>
  new UsageError(`option ${option.long ?? option.flags}: ${message}`);

/** A parser for one of a list of values, in any case, that suggests the nearest when the value is none of them. */
function oneOf(option: Option, choices: readonly string[]) {
  return (value: string): string => {
    const chosen = choices.find((c) => c.toLowerCase() === value.toLowerCase());
    if (chosen !== undefined) return chosen;
    const hint = didYouMean(value, choices);
    throw valueError(option, `"${value}" is not one of ${choices.join(", ")}${hint || "."}`);
  };
}

/** Options whose values a parser of their own reads; their choices are only the words completion offers. */
const ownParser = new WeakSet<Option>();

/** An option with a parser of its own that completion offers `words` for (--welcome-mail: yes, no, or per kind). */
export function completionWords(option: Option, words: readonly string[]): Option {
  ownParser.add(option);
  option.argChoices = [...words];
  return option;
}

/**
 * Makes every option's value errors name the option: choices (and --script) accepted in any
 * case and a near miss suggested; a parser's UsageError prefixed with the option.
 */
export function explainOptionValues(command: Command): void {
  for (const option of command.options) {
    const parse =
      option.argChoices && !ownParser.has(option)
        ? oneOf(option, option.argChoices)
        : option.long === "--script"
          ? oneOf(option, scriptNames)
          : option.parseArg;
    if (!parse) continue;
    option.parseArg = ((value: string, previous: unknown) => {
      try {
        return (parse as (value: string, previous: unknown) => unknown)(value, previous);
      } catch (error) {
        if (error instanceof UsageError && !error.message.startsWith("option "))
          throw valueError(option, error.message);
        throw error;
      }
    }) as NonNullable<Option["parseArg"]>;
  }
  for (const sub of command.commands) explainOptionValues(sub);
}
