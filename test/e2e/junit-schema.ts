import { SaxesParser } from "saxes";
import { expect } from "vitest";

/** An element of parsed XML: name, attributes, children and text. */
export interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** Parses XML strictly (saxes, as exceljs reads workbooks): a document that is not well-formed throws. */
export function parseXml(xml: string): XmlNode {
  const parser = new SaxesParser();
  const root: XmlNode = { name: "#document", attributes: {}, children: [], text: "" };
  const stack = [root];
  parser.on("error", (error) => {
    throw error;
  });
  parser.on("opentag", (tag) => {
    const node: XmlNode = { name: tag.name, attributes: tag.attributes, children: [], text: "" };
    stack.at(-1)?.children.push(node);
    stack.push(node);
  });
  parser.on("text", (text) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  });
  parser.on("closetag", () => void stack.pop());
  parser.write(xml).close();
  const [element] = root.children;
  if (!element || root.children.length !== 1) throw new Error("not one root element");
  return element;
}

/**
 * The required elements and attributes of the JUnit schema (the Ant/Jenkins junit XSD that GitLab,
 * Jenkins, Azure DevOps and GitHub's reporters read): testsuites > testsuite (name, tests,
 * failures, errors) > testcase (name, classname), properties before the test cases, counts that
 * add up. Gives the test suites.
 */
export function checkJunit(xml: string): XmlNode[] {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const root = parseXml(xml);
  expect(root.name).toBe("testsuites");
  const count = (node: XmlNode, name: string) => Number(node.attributes[name]);
  let tests = 0;
  let failures = 0;
  let errors = 0;
  for (const suite of root.children) {
    expect(suite.name).toBe("testsuite");
    for (const attribute of ["name", "tests", "failures", "errors"]) expect(suite.attributes).toHaveProperty(attribute);
    const cases = suite.children.filter((c) => c.name === "testcase");
    expect(suite.children.filter((c) => c.name !== "testcase").map((c) => c.name)).toEqual(
      suite.children[0]?.name === "properties" ? ["properties"] : [],
    );
    for (const testcase of cases) {
      expect(testcase.attributes.name).toBeTruthy();
      expect(testcase.attributes.classname).toBeTruthy();
      for (const child of testcase.children) {
        expect(["failure", "error"]).toContain(child.name);
        expect(child.attributes.message).toBeTruthy();
      }
    }
    const failed = cases.filter((c) => c.children.some((x) => x.name === "failure")).length;
    const erred = cases.filter((c) => c.children.some((x) => x.name === "error")).length;
    expect([count(suite, "tests"), count(suite, "failures"), count(suite, "errors")]).toEqual([
      cases.length,
      failed,
      erred,
    ]);
    tests += cases.length;
    failures += failed;
    errors += erred;
  }
  expect([count(root, "tests"), count(root, "failures"), count(root, "errors")]).toEqual([tests, failures, errors]);
  return root.children;
}
