import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";

type Mutation = (bytes: Uint8Array, next: () => number) => Uint8Array;
const pick = <T>(items: readonly T[], next: () => number): T => items[Math.floor(next() * items.length)] as T;

function entriesOf(bytes: Uint8Array): Record<string, Uint8Array> | null {
  try {
    return unzipSync(bytes);
  } catch {
    return null;
  }
}

/** Changes one XML part of the zip with `change`, keeping the rest. */
function mangleEntry(
  bytes: Uint8Array,
  next: () => number,
  change: (xml: string, next: () => number) => string,
): Uint8Array {
  const entries = entriesOf(bytes);
  if (!entries) return bytes;
  const names = Object.keys(entries).filter((n) => n.endsWith(".xml") || n.endsWith(".rels"));
  if (names.length === 0) return bytes;
  const name = pick(names, next);
  entries[name] = strToU8(change(strFromU8(entries[name] as Uint8Array), next));
  return zipSync(entries);
}

const XML_CHANGES: ((xml: string, next: () => number) => string)[] = [
  (xml, next) => xml.slice(0, Math.floor(next() * xml.length)),
  (xml, next) => {
    const at = Math.floor(next() * xml.length);
    return (
      xml.slice(0, at) +
      pick(["<", ">", "&", '"', "</x>", '<c r="ZZ9">', "&#0;", "&bogus;", "<![CDATA[", "<!--"], next) +
      xml.slice(at)
    );
  },
  (xml, next) => {
    const at = Math.floor(next() * xml.length);
    return xml.slice(0, at) + xml.slice(at + Math.floor(next() * 200));
  },
  (xml) => xml.replace(/r="([A-Z]+)(\d+)"/g, (_, col: string, row: string) => `r="${col}${Number(row) * 1000}"`),
  (xml) => xml.replace(/<v>(\d+)<\/v>/g, "<v>99999999</v>"),
  (xml) => xml.replace(/t="s"/g, 't="n"').replace(/t="n"/, 't="e"'),
  (xml, next) => xml.replace(/<t>/, `<t>${"x".repeat(Math.floor(next() * 100_000))}`),
  (xml) => xml.replace(/<row /g, '<row hidden="1" '),
  (xml) => `${"<a>".repeat(5000)}${xml}`,
  (xml) => xml.replace(/"/g, "'"),
  (xml) => xml.replace(/<sheetData>/, `<sheetData>${'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'}`),
];

export const mutations: Record<string, Mutation> = {
  truncate: (bytes, next) => bytes.slice(0, Math.floor(next() * bytes.length)),
  flipBytes: (bytes, next) => {
    const copy = Uint8Array.from(bytes);
    const flips = 1 + Math.floor(next() * 20);
    for (let i = 0; i < flips; i++) {
      const at = Math.floor(next() * copy.length);
      copy[at] = (copy[at] ?? 0) ^ (1 << Math.floor(next() * 8));
    }
    return copy;
  },
  removeEntry: (bytes, next) => {
    const entries = entriesOf(bytes);
    if (!entries) return bytes;
    delete entries[pick(Object.keys(entries), next)];
    return zipSync(entries);
  },
  swapEntries: (bytes, next) => {
    const entries = entriesOf(bytes);
    if (!entries) return bytes;
    const names = Object.keys(entries);
    const [a, b] = [pick(names, next), pick(names, next)];
    [entries[a], entries[b]] = [entries[b] as Uint8Array, entries[a] as Uint8Array];
    return zipSync(entries);
  },
  mangleXml: (bytes, next) => mangleEntry(bytes, next, (xml, n) => pick(XML_CHANGES, n)(xml, n)),
  garbage: (bytes, next) => Uint8Array.from({ length: Math.floor(next() * 4096) }, () => Math.floor(next() * 256)),
};

/** One mutated input: which seed file, which mutations, in order. */
export function mutate(seed: Uint8Array, next: () => number): { bytes: Uint8Array; steps: string[] } {
  let bytes = seed;
  const steps: string[] = [];
  const count = 1 + Math.floor(next() * 3);
  for (let i = 0; i < count; i++) {
    const name = pick(Object.keys(mutations), next);
    steps.push(name);
    bytes = (mutations[name] as Mutation)(bytes, next);
  }
  return { bytes, steps };
}
