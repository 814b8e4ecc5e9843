/**
 * A deliberately strict, tiny XML parser for tests: it accepts only well-formed XML 1.0
 * (matched tags, quoted unique attributes, known entities, no "<" or bare "&" in text or
 * attributes, only characters XML allows) and throws with the offset otherwise. It returns
 * the element tree with entities decoded so tests can compare text with the original.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: Array<XmlElement | string>;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const REFERENCE = /&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/y;
// eslint-disable-next-line no-control-regex -- detecting forbidden control characters is the point
const INVALID_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function parseXmlStrict(text: string): XmlElement {
  const bad = INVALID_CHAR.exec(text);
  if (bad) throw new Error(`character not allowed in XML at offset ${bad.index}`);
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at offset ${pos}: ${JSON.stringify(text.slice(pos, pos + 40))}`);
  };
  const skipSpace = (): void => {
    while (pos < text.length && " \t\r\n".includes(text[pos]!)) pos++;
  };
  const readName = (): string => {
    NAME.lastIndex = pos;
    const m = NAME.exec(text);
    if (!m) fail("expected a name");
    pos += m![0].length;
    return m![0];
  };
  const decode = (raw: string, start: number): string => {
    let out = "";
    for (let i = 0; i < raw.length; ) {
      const c = raw[i]!;
      if (c === "<") throw new Error(`"<" not allowed at offset ${start + i}`);
      if (c !== "&") {
        out += c;
        i++;
        continue;
      }
      REFERENCE.lastIndex = i;
      const m = REFERENCE.exec(raw);
      if (!m) throw new Error(`bare "&" at offset ${start + i}`);
      const ref = m[1]!;
      out += ref.startsWith("#x") ? String.fromCodePoint(parseInt(ref.slice(2), 16)) : ref.startsWith("#") ? String.fromCodePoint(Number(ref.slice(1))) : NAMED[ref]!;
      i += m[0].length;
    }
    return out;
  };
  const skipMisc = (): void => {
    for (;;) {
      skipSpace();
      if (text.startsWith("<!--", pos)) {
        const end = text.indexOf("-->", pos + 4);
        if (end < 0 || text.slice(pos + 4, end).includes("--")) fail("bad comment");
        pos = end + 3;
      } else if (text.startsWith("<?", pos)) {
        const end = text.indexOf("?>", pos);
        if (end < 0) fail("unterminated processing instruction");
        pos = end + 2;
      } else return;
    }
  };

  skipMisc();
  if (text[pos] !== "<") fail("expected the root element");
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (pos < text.length) {
    if (text.startsWith("<!--", pos) || (text.startsWith("<?", pos) && stack.length > 0)) {
      skipMisc();
      continue;
    }
    if (text.startsWith("<![CDATA[", pos)) {
      if (stack.length === 0) fail("CDATA outside the root");
      const end = text.indexOf("]]>", pos);
      if (end < 0) fail("unterminated CDATA");
      stack[stack.length - 1]!.children.push(text.slice(pos + 9, end));
      pos = end + 3;
    } else if (text.startsWith("</", pos)) {
      pos += 2;
      const name = readName();
      skipSpace();
      if (text[pos] !== ">") fail("expected >");
      pos++;
      const open = stack.pop();
      if (!open || open.name !== name) fail(`closing </${name}> does not match <${open?.name ?? "nothing"}>`);
      if (stack.length === 0) break;
    } else if (text[pos] === "<") {
      if (root && stack.length === 0) fail("second root element");
      pos++;
      const el: XmlElement = { name: readName(), attrs: {}, children: [] };
      for (;;) {
        const before = pos;
        skipSpace();
        if (text.startsWith("/>", pos) || text[pos] === ">") break;
        if (pos === before) fail("expected whitespace before attribute");
        const attr = readName();
        skipSpace();
        if (text[pos] !== "=") fail("expected =");
        pos++;
        skipSpace();
        const quote = text[pos];
        if (quote !== '"' && quote !== "'") fail("attribute value must be quoted");
        const end = text.indexOf(quote!, pos + 1);
        if (end < 0) fail("unterminated attribute");
        if (attr in el.attrs) fail(`duplicate attribute ${attr}`);
        el.attrs[attr] = decode(text.slice(pos + 1, end), pos + 1);
        pos = end + 1;
      }
      if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
      else root = el;
      if (text.startsWith("/>", pos)) {
        pos += 2;
        if (stack.length === 0) break;
      } else {
        pos++;
        stack.push(el);
      }
    } else {
      const end = text.indexOf("<", pos);
      if (end < 0) fail("text after the last tag");
      const raw = text.slice(pos, end);
      if (raw.includes("]]>")) fail('"]]>" in text');
      if (stack.length === 0) fail("text outside the root");
      stack[stack.length - 1]!.children.push(decode(raw, pos));
      pos = end;
    }
  }
  if (stack.length > 0 || !root) fail("unclosed element");
  skipMisc();
  if (pos < text.length) fail("content after the root element");
  return root!;
}

/** All elements named `name`, depth-first, without recursion. */
export function findElements(root: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const work: XmlElement[] = [root];
  while (work.length > 0) {
    const el = work.pop()!;
    if (el.name === name) out.push(el);
    for (let i = el.children.length - 1; i >= 0; i--) {
      const c = el.children[i]!;
      if (typeof c !== "string") work.push(c);
    }
  }
  return out;
}

export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === "string" ? c : textOf(c))).join("");
}
