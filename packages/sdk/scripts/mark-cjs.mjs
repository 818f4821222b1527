// dist/cjs holds CommonJS (the package itself is "type": "module"): mark the folder as such.
import { writeFileSync } from 'node:fs';
writeFileSync(new URL('../dist/cjs/package.json', import.meta.url), '{"type":"commonjs"}\n');
