/**
 * What a value from the sheet (or a file name, or an argument) may look like on a terminal
 * or in summary.md: no character that a terminal acts on instead of showing.
 *
 * NOTE: line breaks and tabs (and NEL, U+2028, U+2029) become a space, since Excel lets a
 * header or a sheet name hold a line break and the words on both sides should stay apart;
 * every other C0 control, DEL and the C1 controls (ESC, BEL, CSI, OSC, …) are dropped, so an
 * escape sequence loses its introducer and prints as plain text. The bidirectional embeddings,
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069), which would reorder what follows
 * them, become U+FFFD so that a reader sees something was there.
 */
export function printable(text: string): string {
  return text.replace(LINE_BREAKS, " ").replace(CONTROLS, "").replace(BIDI, "\ufffd");
}

const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;

/** `printable` for text of several lines (a stack trace, commander's messages): the line breaks stay. */
export const printableLines = (text: string): string => text.split("\n").map(printable).join("\n");
