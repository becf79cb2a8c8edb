// Validates AsyncAPI documents with @asyncapi/parser (pinned in
// package.json), resolving their $refs to local files, and exits non-zero on
// any error or warning. Run by `make lint`.
//
// Usage: node scripts/asyncapi-validate.cjs FILE...
'use strict';

const path = require('node:path');
const { Parser, fromFile } = require('@asyncapi/parser');

const severities = ['error', 'warning', 'info', 'hint'];

async function validate(parser, file) {
  const { document, diagnostics } = await fromFile(parser, file).parse();
  const problems = diagnostics.filter((d) => d.severity <= 1);
  for (const d of problems) {
    const where = d.path && d.path.length ? d.path.join('.') : '(document)';
    const line = d.range ? `:${d.range.start.line + 1}` : '';
    console.error(`${file}${line}: ${severities[d.severity]} ${d.code}: ${d.message} at ${where}`);
  }
  if (!document || problems.length > 0) {
    return false;
  }
  console.log(`${file}: valid AsyncAPI ${document.version()}, ${document.channels().length} channels, ${document.messages().length} messages`);
  return true;
}

async function main(files) {
  if (files.length === 0) {
    console.error('usage: node scripts/asyncapi-validate.cjs FILE...');
    process.exit(2);
  }
  const parser = new Parser();
  let ok = true;
  for (const file of files) {
    ok = (await validate(parser, path.resolve(file))) && ok;
  }
  process.exit(ok ? 0 : 1);
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err);
  process.exit(1);
});
