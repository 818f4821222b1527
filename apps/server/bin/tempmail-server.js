#!/usr/bin/env node
// `npx tempmail-server`: the whole service on its embedded default (SQLite in DATA_DIR,
// in-process bus). With arguments it is the `tempmail` command (keys, keyring, new, …).
if (process.argv.length <= 2) process.argv.splice(2, 0, 'serve');
await import('./tempmail.js');
