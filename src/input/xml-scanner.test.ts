import { describe, expect, it } from "vitest";
import { InputError } from "../shared/errors.js";
import { attribute, decodeEntities, parseAttributes, textOf, XmlScanner } from "./xml-scanner.js";

function events(xml: string, chunkSize = Buffer.byteLength(xml)): string[] {
  const out: string[] = [];
  const scanner = new XmlScanner(
    {
      open: (name, source, from, to, selfClosing) =>
        out.push(
          `<${name}${Object.entries(parseAttributes(source, from, to))
            .map(([k, v]) => ` ${k}=${v}`)
            .join("")}${selfClosing ? "/" : ""}>`,
        ),
      close: (name) => out.push(`</${name}>`),
      text: (source, from, to, cdata) => {
        const text = textOf(source, from, to, cdata);
        if (out.length > 0 && out[out.length - 1]?.startsWith("#")) out[out.length - 1] += text;
        else out.push(`#${text}`);
      },
    },
    "test.xml",
  );
  const bytes = Buffer.from(xml, "utf8");
  for (let at = 0; at < bytes.length; at += chunkSize) scanner.feed(bytes.subarray(at, at + chunkSize));
  scanner.end();
  return out;
}

describe("XmlScanner", () => {
  const xml = `<?xml version="1.0"?>\n<!-- note --><x:root xmlns:x="urn:x" a='1 &amp; 2'><row r="1"><c r="A1" t="s"><v>7</v></c><c r="B1"/><t xml:space="preserve"> a &lt;b&gt; &#233;&#x20AC; </t><![CDATA[<raw>]]></row></x:root>`;

  it("reports elements, attributes and text with entities decoded", () => {
    expect(events(xml)).toEqual([
      "#\n",
      "<root x=urn:x a=1 & 2>",
      "<row r=1>",
      "<c r=A1 t=s>",
      "<v>",
      "#7",
      "</v>",
      "</c>",
      "<c r=B1/>",
      "</c>",
      "<t space=preserve>",
      "# a <b> é€ ",
      "</t>",
      "#<raw>",
      "</row>",
      "</root>",
    ]);
  });

  it("gives the same events whatever the chunk boundaries", () => {
    const whole = events(xml);
    for (const size of [1, 2, 3, 7, 13]) expect(events(xml, size)).toEqual(whole);
  });

  it("skips a DOCTYPE without expanding its entities", () => {
    expect(events(`<!DOCTYPE x [<!ENTITY a "bomb">]><x>&a;</x>`)).toEqual(["<x>", "#&a;", "</x>"]);
  });

  it("refuses a document that ends inside a tag", () => {
    expect(() => events(`<x><y a="1"`)).toThrow(InputError);
  });

  it("keeps no stack, so deep nesting costs nothing", () => {
    const deep = `${"<a>".repeat(100_000)}${"</a>".repeat(100_000)}`;
    expect(events(deep, 4096)).toHaveLength(200_000);
  });

  it("reads single attributes quickly, with the full parse as fallback", () => {
    const raw = Buffer.from(` r="A1" s='3' x:t="s" spaced = "yes" v="a &amp; b"`);
    const get = (name: string) => attribute(raw, 0, raw.length, name);
    expect([get("r"), get("s"), get("t"), get("spaced"), get("v"), get("q")]).toEqual([
      "A1",
      "3",
      "s",
      "yes",
      "a & b",
      undefined,
    ]);
  });

  it("refuses a tag with a < inside it", () => {
    expect(() => events(`<x><y a="1"<z/></x>`)).toThrow(/malformed/);
  });

  it("decodes the predefined entities and character references only", () => {
    expect(decodeEntities("&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&unknown;")).toBe(`<>&"'AB&unknown;`);
  });
});
