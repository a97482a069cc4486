import type { Argument, Command, Option } from "commander";
import { scriptNames } from "../scripts/index.js";

/*
 * `mdimport completion bash|zsh|fish`: the script is generated from the commander program as
 * it stands when the command runs (its commands, options, choices and arguments), so an
 * option or command added anywhere appears without an edit here.
 */

export const shells = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof shells)[number];

/**
 * What a value or an argument completes to: fixed words, file names, folder names, nothing, or
 * the platforms --platform can name ("local" and the profiles of the working folder's or the
 * user's profiles file, asked of `mdimport platform list --names` when the shell completes).
 */
type Values = { words: string[] } | "files" | "dirs" | "none" | "platforms";

/** Asks the installed mdimport for its profile names at completion time; nothing on stderr. */
const profileNames = "mdimport platform list --names 2>/dev/null";

interface OptionSpec {
  names: string[];
  description: string;
  /** null: a flag, which takes no value. */
  value: Values | null;
  repeatable: boolean;
}

interface CommandSpec {
  /** The words that lead to it: [] for mdimport itself, ["platform", "serve"]. */
  path: string[];
  description: string;
  subcommands: { name: string; description: string }[];
  options: OptionSpec[];
  args: Values[];
  /** The last argument may be given more than once. */
  variadic: boolean;
}

// A word that needs no quoting in any of the three shells; anything else is left out.
const plain = (word: string) => /^[\w.@%+,-]+$/.test(word);
const words = (list: readonly string[]): Values => ({ words: list.filter(plain) });

/** A value's kind: its choices; script names for --script; files or folders from its placeholder (<file>, <dir>). */
function optionValues(option: Option): Values | null {
  if (!option.required && !option.optional) return null;
  if (option.argChoices) return words(option.argChoices);
  if (option.long === "--script") return words(scriptNames);
  if (option.long === "--platform") return "platforms";
  const placeholder = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1]?.toLowerCase() ?? "";
  if (/^(file|files|path)$/.test(placeholder)) return "files";
  if (/^(dir|folder)$/.test(placeholder)) return "dirs";
  return "none";
}

const argumentValues = (arg: Argument): Values =>
  arg.argChoices ? words(arg.argChoices) : arg.name() === "script" ? words(scriptNames) : "files";

/** Every command of the program, depth first, as data. */
export function describeProgram(program: Command, path: string[] = []): CommandSpec[] {
  const visible = program.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  const options: OptionSpec[] = program.options
    .filter((o) => !o.hidden)
    .map((o) => ({
      names: [o.short, o.long].filter((n): n is string => Boolean(n)),
      description: o.description,
      value: optionValues(o),
      // NOTE: commander cannot tell a repeatable option; ours say so in their description.
      repeatable: o.description.includes("repeatable"),
    }));
  options.push({ names: ["-h", "--help"], description: "show help", value: null, repeatable: false });
  const spec: CommandSpec = {
    path,
    description: program.description(),
    subcommands: visible.map((c) => ({ name: c.name(), description: c.description() })),
    options,
    args: program.registeredArguments.map(argumentValues),
    variadic: program.registeredArguments.at(-1)?.variadic ?? false,
  };
  return [spec, ...visible.flatMap((c) => describeProgram(c, [...path, c.name()]))];
}

/** The completion script for a shell. */
export function completionScript(program: Command, shell: Shell): string {
  const specs = describeProgram(program);
  return shell === "bash" ? bashScript(specs) : shell === "zsh" ? zshScript(specs) : fishScript(specs);
}

const longNames = (spec: CommandSpec, valued?: boolean) =>
  spec.options.filter((o) => valued === undefined || (o.value !== null) === valued).flatMap((o) => o.names);

function bashValues(values: Values): string {
  if (values === "files") return "_mdimport_files -f";
  if (values === "dirs") return "_mdimport_files -d";
  if (values === "none") return ":";
  if (values === "platforms") return `_mdimport_words "local $(${profileNames})"`;
  return `_mdimport_words "${values.words.join(" ")}"`;
}

function bashScript(specs: CommandSpec[]): string {
  const key = (spec: CommandSpec) => spec.path.join(" ");
  const cases = (name: string, arms: string[]) => `${name}() {\n  case "$*" in\n${arms.join("\n")}\n  esac\n}\n`;
  const list = (name: string, of: (spec: CommandSpec) => string[]) =>
    cases(
      name,
      specs.map((s) => `    "${key(s)}") echo "${of(s).join(" ")}" ;;`),
    );
  const values = specs.flatMap((s) =>
    s.options.flatMap((o) =>
      o.value === null ? [] : o.names.map((n) => `    "${key(s)} ${n}") ${bashValues(o.value!)} ;;`),
    ),
  );
  const args = specs.flatMap((s) => [
    ...s.args.map((v, i) => `    "${key(s)} ${i + 1}") ${bashValues(v)} ;;`),
    ...(s.variadic ? [`    "${key(s)} "*) ${bashValues(s.args.at(-1)!)} ;;`] : []),
  ]);
  return `# mdimport completion for bash (generated by \`mdimport completion bash\`).
# Load it with: source <(mdimport completion bash)   or save it as
# ~/.local/share/bash-completion/completions/mdimport
_mdimport_words() { COMPREPLY=($(compgen -W "$1" -- "$cur")); }
_mdimport_files() {
  compopt -o filenames 2>/dev/null
  local IFS=$'\\n'
  COMPREPLY=($(compgen "$1" -- "$cur"))
}
${list("_mdimport_subs", (s) => s.subcommands.map((c) => c.name))}${list("_mdimport_opts", (s) => longNames(s))}${list("_mdimport_valued", (s) => longNames(s, true))}${cases("_mdimport_value", values)}${cases("_mdimport_arg", args)}_mdimport() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" w i skip=0 npos=0
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if [[ $w == "=" ]]; then skip=1; continue; fi
    if ((skip)); then skip=0; continue; fi
    if [[ $w == -* ]]; then
      [[ " $(_mdimport_valued "$path") " == *" \${w%%=*} "* && $w != *=* ]] && skip=1
      continue
    fi
    if [[ " $(_mdimport_subs "$path") " == *" $w "* ]]; then path="\${path:+$path }$w"; npos=0; else npos=$((npos + 1)); fi
  done
  local prev="\${COMP_WORDS[COMP_CWORD-1]}"
  [[ $prev == "=" && $cur != "=" ]] && prev="\${COMP_WORDS[COMP_CWORD-2]}"
  [[ $cur == "=" ]] && cur=""
  if ((skip)) || [[ $prev == -* && " $(_mdimport_valued "$path") " == *" $prev "* ]]; then
    _mdimport_value "$path" "$prev"
    return 0
  fi
  if [[ $cur == -* ]]; then _mdimport_words "$(_mdimport_opts "$path")"; return 0; fi
  local subs="$(_mdimport_subs "$path")"
  if [[ -n $subs ]]; then _mdimport_words "$subs"; return 0; fi
  _mdimport_arg "$path" "$((npos + 1))"
  return 0
}
complete -F _mdimport mdimport
`;
}

// zsh's _arguments: no quotes, brackets or colons in a description.
const zshText = (text: string) => text.replace(/[[\]:]/g, " ").replace(/'/g, "'\\''");
const zshFunction = (path: string[]) => `_mdimport${path.map((p) => `__${p.replace(/[^\w]/g, "_")}`).join("")}`;

function zshValues(values: Values, what: string): string {
  if (values === "files") return `:${what}:_files`;
  if (values === "dirs") return `:${what}:_files -/`;
  if (values === "none") return `:${what}: `;
  if (values === "platforms") return `:${what}:_mdimport_platforms`;
  return `:${what}:(${values.words.join(" ")})`;
}

function zshCommand(spec: CommandSpec): string {
  const options = spec.options.flatMap((o) =>
    o.names.map(
      (n) =>
        `'${o.repeatable ? "*" : ""}${n}[${zshText(o.description)}]${o.value === null ? "" : zshValues(o.value, "value")}'`,
    ),
  );
  const lines = [...options];
  if (spec.subcommands.length > 0) {
    const entries = spec.subcommands.map((c) => `'${c.name}:${zshText(c.description)}'`).join(" ");
    const arms = spec.subcommands.map((c) => `      ${c.name}) ${zshFunction([...spec.path, c.name])} ;;`).join("\n");
    return `${zshFunction(spec.path)}() {
  local curcontext="$curcontext" state line
  typeset -A opt_args
  _arguments -C \\\n    ${[...lines, "'1: :->command'", "'*:: :->argument'"].join(" \\\n    ")} && return
  case $state in
    command) local -a commands=(${entries}); _describe -t commands 'mdimport command' commands ;;
    argument) case $words[1] in
${arms}
    esac ;;
  esac
}
`;
  }
  spec.args.forEach((v, i) => lines.push(`'${i + 1}${zshValues(v, "argument")}'`));
  if (spec.variadic) lines.push(`'*${zshValues(spec.args.at(-1)!, "argument")}'`);
  return `${zshFunction(spec.path)}() {\n  _arguments \\\n    ${lines.join(" \\\n    ")}\n}\n`;
}

function zshScript(specs: CommandSpec[]): string {
  return `#compdef mdimport
# mdimport completion for zsh (generated by \`mdimport completion zsh\`): save it as _mdimport
# in a folder on $fpath, before compinit runs; or: source <(mdimport completion zsh)
_mdimport_platforms() {
  local -a names
  names=(local \${(f)"$(${profileNames})"})
  compadd -a names
}
${specs.map(zshCommand).join("")}
if [ "$funcstack[1]" = "_mdimport" ]; then
  _mdimport "$@"
else
  compdef _mdimport mdimport
fi
`;
}

const fishText = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

function fishValues(values: Values): string {
  if (values === "files") return " -r -F";
  if (values === "dirs") return " -x -a '(__fish_complete_directories)'";
  if (values === "none") return " -x";
  if (values === "platforms") return ` -x -a ${fishText(`local (${profileNames})`)}`;
  return ` -x -a ${fishText(values.words.join(" "))}`;
}

/** The fish condition under which a command's own words are completed. */
function fishCondition(spec: CommandSpec, all: CommandSpec[]): string {
  if (spec.path.length === 0) return "__fish_use_subcommand";
  const seen = spec.path.map((p) => `__fish_seen_subcommand_from ${p}`).join("; and ");
  const subs = all.find((s) => s.path.join(" ") === spec.path.join(" "))?.subcommands.map((c) => c.name) ?? [];
  return subs.length > 0 ? `${seen}; and not __fish_seen_subcommand_from ${subs.join(" ")}` : seen;
}

function fishScript(specs: CommandSpec[]): string {
  const lines = [
    "# mdimport completion for fish (generated by `mdimport completion fish`): save it as",
    "# ~/.config/fish/completions/mdimport.fish",
    "complete -c mdimport -f",
  ];
  for (const spec of specs) {
    const when = `complete -c mdimport -n ${fishText(fishCondition(spec, specs))}`;
    for (const sub of spec.subcommands) lines.push(`${when} -a ${sub.name} -d ${fishText(sub.description)}`);
    for (const o of spec.options) {
      const names = o.names.map((n) => (n.startsWith("--") ? ` -l ${n.slice(2)}` : ` -s ${n.slice(1)}`)).join("");
      lines.push(`${when}${names}${o.value === null ? "" : fishValues(o.value)} -d ${fishText(o.description)}`);
    }
    const arg = spec.args[0];
    if (arg === "files" || arg === "dirs") lines.push(`${when} -F`);
    else if (arg !== undefined && arg !== "none") lines.push(`${when}${fishValues(arg)}`);
  }
  return `${lines.join("\n")}\n`;
}
