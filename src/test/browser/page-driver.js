// Drives one page in Debian's headless chromium through playwright-core, for DemoPageBrowserTest:
// one command per line on standard input, one answer per line on standard output ("ok ..." or
// "fail ..."). Lines starting with "console " are the page's console and errors, as they come.
// Every wait has a deadline, given in the command. Standard input ending closes the browser.
// Usage: node page-driver.js NODE_MODULES_DIR CHROMIUM
//   load URL [without-websocket]    open the page; "without-websocket" deletes window.WebSocket first
//   wait-line MILLIS SELECTOR TEXT  until a line of the element's text (as rendered) is TEXT
//   wait-change MILLIS SELECTOR TEXT  until the element's text is no longer TEXT; answers the new text
//   text SELECTOR                   the element's text as rendered, lines joined by " | "
//   type SELECTOR TEXT              fill in TEXT
//   click SELECTOR
//   screenshot PATH                 the whole page as PNG
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const { chromium } = require(path.resolve(process.argv[2], 'playwright-core'));

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ACTION_TIMEOUT = 10000;

function oneLine(text) {
  return String(text).replace(/\r?\n/g, '\\n');
}

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'hixie76-chromium-'));
  let context = null;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.argv[3], headless: true, args: ARGS, timeout: 30000,
    });
    const page = context.pages()[0] || await context.newPage();
    page.setDefaultTimeout(ACTION_TIMEOUT);
    page.on('console', (message) => console.log('console ' + message.type() + ': ' + oneLine(message.text())));
    page.on('pageerror', (error) => console.log('console pageerror: ' + oneLine(error.message)));
    console.log('ok ready ' + context.browser().version());
    const lines = readline.createInterface({ input: process.stdin });
    for await (const line of lines) {
      try {
        console.log('ok ' + oneLine(await run(page, line)));
      } catch (e) {
        console.log('fail ' + oneLine(e.message.split('\n')[0]));
      }
    }
  } finally {
    if (context) {
      await context.close();
    }
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

async function run(page, line) {
  const [command, ...words] = line.split(' ');
  switch (command) {
    case 'load':
      if (words[1] === 'without-websocket') {
        await page.addInitScript(() => { delete window.WebSocket; });
      }
      await page.goto(words[0], { waitUntil: 'load' });
      return page.title();
    case 'wait-line': {
      const [millis, selector, ...text] = words;
      const wanted = text.join(' ');
      try {
        await page.waitForFunction(([s, t]) => document.querySelector(s).innerText.split('\n').indexOf(t) >= 0,
          [selector, wanted], { timeout: Number(millis) });
      } catch (e) {
        throw new Error(selector + ' had no line "' + wanted + '" within ' + millis + ' ms; it says "'
          + await rendered(page, selector) + '"');
      }
      return '';
    }
    case 'wait-change': {
      const [millis, selector, ...text] = words;
      const old = text.join(' ');
      try {
        await page.waitForFunction(([s, t]) => document.querySelector(s).innerText !== t,
          [selector, old], { timeout: Number(millis) });
      } catch (e) {
        throw new Error(selector + ' still said "' + old + '" after ' + millis + ' ms');
      }
      return rendered(page, selector);
    }
    case 'text':
      return rendered(page, words[0]);
    case 'type':
      await page.fill(words[0], words.slice(1).join(' '));
      return '';
    case 'click':
      await page.click(words[0]);
      return '';
    case 'screenshot':
      await page.screenshot({ path: words[0], fullPage: true });
      return String(fs.statSync(words[0]).size);
    default:
      throw new Error('unknown command: ' + line);
  }
}

async function rendered(page, selector) {
  return (await page.innerText(selector)).split('\n').join(' | ');
}

main().catch((e) => {
  console.log('fail ' + oneLine(e.message.split('\n')[0]));
  process.exit(1);
});
