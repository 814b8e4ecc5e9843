// Builds the API docs agents browse over MCP (search_api and perfscope://api/<domain>.d.ts)
// from the TypeScript sources, into dist/mcp/api/:
//   <domain>.d.ts   declarations of what a run_script script can call as perf.<name>,
//                   with their doc comments and every exported type of that domain
//   index.json      one entry per declaration (name, kind, domain, brokered, signature, doc)
// The sandbox surface is src/mcp/sandbox/pure-api.ts (runs in the script), the brokered
// calls named in src/mcp/sandbox/broker-*.ts (declared in src/index.ts) and
// src/mcp/sandbox/sandbox-only-api.ts. Prints nothing on success; exits 1 on failure.
// Usage: node scripts/build-api-docs.mjs [--outdir <folder>]
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
const src = resolve(root, "src");
function parseOutDir(argv) {
  const i = argv.indexOf("--outdir");
  if (i === -1) return resolve(root, "dist/mcp/api");
  const value = argv[i + 1];
  if (!value) {
    console.error("build-api-docs: --outdir needs a folder");
    process.exit(2);
  }
  return resolve(value);
}
const outdir = parseOutDir(process.argv.slice(2));

// Domain by source folder; the order is the order of the docs.
const DOMAINS = [
  ["core", /^core\//, "errors, branded units, findings and statistics shared by every domain"],
  ["profile", /^(profile|flamegraph)\//, "CPU profiles: collect, import/export, analyse, flame graphs"],
  ["load", /^load\//, "load tests, thresholds and breaking points"],
  ["bench", /^bench\//, "benchmarks, comparisons between runs and versions, change points, complexity"],
  ["memory", /^memory\//, "process memory, leak verdicts, heap snapshots, allocation sampling"],
  ["rum", /^web\//, "real-user monitoring: Core Web Vitals from the field"],
  ["budgets", /^budgets\//, "performance budgets"],
  ["reports", /^report\//, "renderers that turn results into terminal, markdown or summary text"],
  ["sandbox", /^mcp\/sandbox\//, "functions that exist only inside run_script"],
];

function domainOf(file) {
  const rel = relative(src, file).split("\\").join("/");
  return DOMAINS.find(([, re]) => re.test(rel))?.[0];
}

function brokeredNames() {
  const dir = resolve(src, "mcp/sandbox");
  const names = new Set();
  for (const f of readdirSync(dir).filter((n) => /^broker-.*\.ts$/.test(n) && !n.endsWith(".test.ts"))) {
    for (const m of readFileSync(resolve(dir, f), "utf8").matchAll(/name: "(\w+)"/g)) names.add(m[1]);
  }
  return names;
}

const config = ts.readConfigFile(resolve(root, "tsconfig.json"), ts.sys.readFile);
const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
const entries = { pure: resolve(src, "mcp/sandbox/pure-api.ts"), index: resolve(src, "index.ts"), only: resolve(src, "mcp/sandbox/sandbox-only-api.ts") };
const program = ts.createProgram(Object.values(entries), { ...options, noEmit: true });
const checker = program.getTypeChecker();
const printer = ts.createPrinter({ removeComments: true });
const FLAGS = ts.NodeBuilderFlags.NoTruncation | ts.NodeBuilderFlags.UseAliasDefinedOutsideCurrentScope;

function exportsOf(file) {
  const sf = program.getSourceFile(file);
  if (!sf) throw new Error(`cannot load ${file}`);
  return checker.getExportsOfModule(checker.getSymbolAtLocation(sf));
}
const resolveAlias = (s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);

function docOf(decl) {
  const node = ts.isVariableDeclaration(decl) ? decl.parent.parent : decl;
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  return docs.length ? docs[docs.length - 1].getText() : "";
}
const plainDoc = (doc) => doc.replace(/^\/\*\*|\*\/$/g, "").split("\n").map((l) => l.replace(/^\s*\* ?/, "")).join(" ").replace(/\s+/g, " ").trim();

// A function's signatures as checked, so inferred return types are written out.
function declareFunction(name, symbol, decl) {
  const type = checker.getTypeOfSymbolAtLocation(symbol, decl);
  return type.getCallSignatures().map((sig) => {
    const node = checker.signatureToSignatureDeclaration(sig, ts.SyntaxKind.FunctionDeclaration, decl.getSourceFile(), FLAGS);
    const text = printer.printNode(ts.EmitHint.Unspecified, node, decl.getSourceFile());
    return `export declare function ${name}${text.replace(/^function\s*/, "").replace(/;?\s*$/, ";")}`;
  });
}

// Source text of a declaration without bodies or initialisers.
function stripBodies(node) {
  const sf = node.getSourceFile();
  const cuts = [];
  const isPrivate = (n) => (n.name && ts.isPrivateIdentifier(n.name)) || (ts.getCombinedModifierFlags(n) & ts.ModifierFlags.Private) !== 0;
  const visit = (n) => {
    if (ts.isClassElement(n) && isPrivate(n)) cuts.push([n.getFullStart(), n.end, ""]);
    else if ((ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessor(n) || ts.isSetAccessor(n)) && n.body) {
      cuts.push([n.body.getStart(sf), n.body.end, ";"]);
      n.parameters.forEach(visit);
    } else if (ts.isPropertyDeclaration(n) && n.initializer) cuts.push([n.initializer.getStart(sf) - 1, n.initializer.end, ""]);
    else if (ts.isParameter(n) && (n.initializer || n.modifiers?.length)) {
      cuts.push([n.getStart(sf), n.end, `${n.name.getText(sf)}${n.initializer || n.questionToken ? "?" : ""}${n.type ? `: ${n.type.getText(sf)}` : ""}`]);
    } else ts.forEachChild(n, visit);
  };
  ts.forEachChild(node, visit);
  let text = sf.text.slice(node.getStart(sf), node.end);
  const base = node.getStart(sf);
  for (const [a, b, put] of cuts.sort((x, y) => y[0] - x[0])) {
    const before = text.slice(0, Math.max(0, a - base));
    text = (put === ";" || put === "" ? before.replace(/\s*=?\s*$/, "") : before) + put + text.slice(b - base);
  }
  return text.replace(/^export\s+(declare\s+)?/, "export declare ").replace(/^export declare (interface|type) /, "export $1 ");
}

function declare(name, symbol, decl) {
  if (ts.isFunctionDeclaration(decl) || (ts.isVariableDeclaration(decl) && decl.initializer && (ts.isArrowFunction(decl.initializer) || ts.isFunctionExpression(decl.initializer)))) {
    return { kind: "function", text: declareFunction(name, symbol, decl).join("\n") };
  }
  if (ts.isVariableDeclaration(decl)) {
    const type = checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, decl), decl, ts.TypeFormatFlags.NoTruncation);
    return { kind: "const", text: `export declare const ${name}: ${type};` };
  }
  if (ts.isClassDeclaration(decl)) return { kind: "class", text: stripBodies(decl) };
  if (ts.isInterfaceDeclaration(decl)) return { kind: "interface", text: stripBodies(decl) };
  if (ts.isTypeAliasDeclaration(decl)) return { kind: "type", text: stripBodies(decl) };
  if (ts.isEnumDeclaration(decl)) return { kind: "enum", text: stripBodies(decl) };
  return null;
}

function main() {
  const brokered = brokeredNames();
  const pure = new Set(exportsOf(entries.pure).map((s) => s.name));
  const index = new Map(exportsOf(entries.index).map((s) => [s.name, s]));
  const chosen = new Map();
  for (const s of exportsOf(entries.pure)) chosen.set(s.name, s);
  for (const [name, s] of index) {
    const target = resolveAlias(s);
    const isValue = target.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Variable | ts.SymbolFlags.Class);
    // Types are always worth reading; values only when a script can call them.
    if (!chosen.has(name) && (!isValue || brokered.has(name))) chosen.set(name, s);
  }
  const missing = [...brokered].filter((n) => !chosen.has(n) && !["readTextFile", "copyToWorkspace"].includes(n));
  if (missing.length) throw new Error(`brokered calls without a declaration in src/index.ts: ${missing.join(", ")}`);

  const byDomain = new Map(DOMAINS.map(([d]) => [d, []]));
  const index_ = [];
  const add = (domain, name, kind, text, doc, isBrokered) => {
    byDomain.get(domain).push((doc ? `${doc}\n` : "") + text);
    const signature = text.split("\n")[0].replace(/^export (declare )?/, "").slice(0, 400);
    index_.push({ name, kind, domain, brokered: isBrokered, pure: pure.has(name), signature, doc: plainDoc(doc).slice(0, 600) });
  };
  for (const [name, s] of [...chosen].sort(([a], [b]) => a.localeCompare(b))) {
    const target = resolveAlias(s);
    for (const decl of target.declarations ?? []) {
      const domain = domainOf(decl.getSourceFile().fileName);
      if (!domain) continue;
      const d = declare(name, target, decl);
      if (d) add(domain, name, d.kind, d.text, docOf(decl), brokered.has(name));
      if (d?.kind === "function") break; // all overloads come from the checked type
    }
  }
  // The sandbox-only functions are members of an interface; write them as functions.
  const only = program.getSourceFile(entries.only);
  for (const stmt of only.statements) {
    if (ts.isInterfaceDeclaration(stmt) && stmt.name.text === "SandboxOnlyApi") {
      for (const m of stmt.members) {
        const name = m.name.getText(only);
        add("sandbox", name, "function", `export declare function ${m.getText(only).replace(/^\/\*\*[\s\S]*?\*\/\s*/, "").replace(/;?$/, ";")}`, docOf(m), true);
      }
    } else if (ts.isInterfaceDeclaration(stmt)) add("sandbox", stmt.name.text, "interface", stripBodies(stmt), docOf(stmt), false);
  }

  // Only what this script writes is replaced: --outdir may name a folder that holds other files.
  mkdirSync(outdir, { recursive: true });
  for (const name of ["index.json", ...DOMAINS.map(([d]) => `${d}.d.ts`)]) rmSync(resolve(outdir, name), { force: true });
  const domains = [];
  for (const [domain, , summary] of DOMAINS) {
    const decls = byDomain.get(domain);
    const head = `// perfscope API — ${domain}: ${summary}.\n// In run_script the library is the global \`perf\` (alias \`performance_mcp\`): call perf.<name>(...).\n// Functions marked "brokered" run in the server, only for the targets its policy allows.\n`;
    const body = decls.map((d) => {
      const name = /(?:function|const|class|interface|type|enum) (\w+)/.exec(d.replace(/^\/\*\*[\s\S]*?\*\/\n/, ""))?.[1];
      return index_.some((e) => e.name === name && e.brokered) ? `// brokered\n${d}` : d;
    });
    writeFileSync(resolve(outdir, `${domain}.d.ts`), `${head}\n${body.join("\n\n")}\n`);
    domains.push({ domain, summary, declarations: decls.length });
  }
  writeFileSync(resolve(outdir, "index.json"), JSON.stringify({ domains, entries: index_ }));
}

try {
  main();
} catch (e) {
  console.error(`build-api-docs: ${e instanceof Error ? e.stack : e}`);
  process.exit(1);
}
