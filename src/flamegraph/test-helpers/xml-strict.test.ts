import { describe, expect, it } from "vitest";
import { findElements, parseXmlStrict, textOf } from "./xml-strict.js";

describe("parseXmlStrict (test helper)", () => {
  it("parses well-formed XML and decodes entities", () => {
    const root = parseXmlStrict('<?xml version="1.0"?>\n<a x="1 &amp; 2"><b>&lt;&#x1F600;&#65;</b><!-- c --><b/></a>\n');
    expect(root.attrs.x).toBe("1 & 2");
    expect(findElements(root, "b")).toHaveLength(2);
    expect(textOf(findElements(root, "b")[0]!)).toBe("<😀A");
  });

  it.each([
    ["unclosed", "<a><b></a>"],
    ["mismatched", "<a></b>"],
    ["bare ampersand", "<a>x & y</a>"],
    ["unknown entity", "<a>&nbsp;</a>"],
    ["lt in attribute", '<a x="<"/>'],
    ["unquoted attribute", "<a x=1/>"],
    ["duplicate attribute", '<a x="1" x="2"/>'],
    ["two roots", "<a/><b/>"],
    ["control character", "<a>\u0001</a>"],
    ["lone surrogate", "<a>\uD800</a>"],
    ["text outside root", "<a/>junk"],
  ])("rejects %s", (_label, xml) => {
    expect(() => parseXmlStrict(xml)).toThrow();
  });
});
