// Checks that a script is plain ES5, for DemoPageScriptTest: parses standard input with acorn
// (ecmaVersion 5, so let/const, arrow functions, template strings and classes are syntax errors)
// and looks for the few later globals a page reaches for (fetch, Promise, ...), which parse as
// ES5 but are missing in the hixie-76 browsers. Prints "ES5" and exits 0, or prints
// "NOT ES5 line:column: reason" and exits 1.
// Usage: node es5-check.js NODE_MODULES_DIR < script.js
'use strict';

const path = require('path');
const acorn = require(path.resolve(process.argv[2], 'acorn'));

const LATER_GLOBALS = new Set(['fetch', 'Promise', 'Symbol', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Proxy', 'Reflect']);

function check(source) {
  const options = { ecmaVersion: 5, locations: true };
  acorn.parse(source, options);
  let previous = null;
  for (const token of acorn.tokenizer(source, options)) {
    const isProperty = previous !== null && previous.type === acorn.tokTypes.dot;
    if (token.type === acorn.tokTypes.name && LATER_GLOBALS.has(token.value) && !isProperty) {
      const error = new Error(token.value + ' is not in ES5 browsers');
      error.loc = token.loc.start;
      throw error;
    }
    previous = token;
  }
}

const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  try {
    check(Buffer.concat(chunks).toString('utf8'));
    console.log('ES5');
  } catch (e) {
    const where = e.loc ? e.loc.line + ':' + (e.loc.column + 1) : '?';
    console.log('NOT ES5 ' + where + ': ' + e.message.replace(/ \(\d+:\d+\)$/, ''));
    process.exit(1);
  }
});
