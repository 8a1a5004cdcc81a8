// cioctl codegen --usage: the method calls in TypeScript/JavaScript files, read with the
// TypeScript compiler's own parser. argv: the typescript module path, then the files.
// Prints one JSON array: {file, line, receiver, method, strings, objectName} per call whose
// callee is a property access (a.b.method(...)).
"use strict";
const fs = require("fs");
const ts = require(process.argv[2]);
const calls = [];
for (const file of process.argv.slice(3)) {
  const text = fs.readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const args = node.arguments;
      const strings = args.map((a) => (ts.isStringLiteralLike(a) ? a.text : null));
      let objectName = null;
      const second = args[1];
      if (second !== undefined && ts.isObjectLiteralExpression(second)) {
        for (const prop of second.properties) {
          if (ts.isPropertyAssignment(prop) && prop.name.getText(source) === "name"
              && ts.isStringLiteralLike(prop.initializer)) {
            objectName = prop.initializer.text;
          }
        }
      }
      calls.push({
        file,
        line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
        receiver: node.expression.expression.getText(source),
        method: node.expression.name.getText(source),
        strings,
        objectName,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
process.stdout.write(JSON.stringify(calls));
