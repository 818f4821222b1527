#!/usr/bin/env bash
# Scratch: /tmp/before = the current tree minus this issue's server changes (for A/B runs).
set -euo pipefail
OUT=${OUT:-/tmp/before}
rm -rf $OUT && mkdir -p $OUT
cd /work/main && tar --exclude=node_modules --exclude=.git --exclude='apps/*/node_modules' --exclude='apps/*/dist' -cf - . | tar -C $OUT -xf -
ln -s /work/main/node_modules $OUT/node_modules
ln -s /work/main/apps/server/node_modules $OUT/apps/server/node_modules
cd $OUT/apps/server/src
if [ "${KEEP_WRITER:-0}" != 1 ]; then
git -C /work/main show HEAD:apps/server/src/adapters/sqlite/group-commit.ts > adapters/sqlite/group-commit.ts
python3 - <<'PY'
p='adapters/sqlite/store.ts'
s=open(p).read()
a="""  /** Inserts are committed on a writer thread (message-writer.ts has the SQL); reads stay here. */
  readonly writer: WriterThread;

  constructor(private readonly db: Db, file: string) {
    this.writer = new WriterThread(file, db);
    this.committer = new GroupCommitter((items) => this.writer.write(items));
  }"""
assert a in s
s=s.replace(a,"""  constructor(private readonly db: Db, file: string) {
    void file;
    const w = messageBatchWriter(db);
    this.committer = new GroupCommitter((items) => w(items));
  }""")
s=s.replace("import { WriterThread } from './writer-thread.js';","import { messageBatchWriter } from './message-writer.js';")
s=s.replace("    await (this.messages as SqliteMessages).writer.close();\n","")
open(p,'w').write(s)
PY
fi
if [ "${KEEP_FASTBLOB:-0}" != 1 ]; then
python3 - <<'PY'
p='ingest/parse-worker.ts'
s=open(p).read()
s=s.replace("import { installFastBlob } from './fast-blob.js';\n","")
s=s.replace("installFastBlob(); // postal-mime's Blob joins, without Node's per-chunk Blob cost (see fast-blob.ts)\n","")
s=s.replace("(globalThis as { Blob: unknown }).Blob = FastBlob;\n","void FastBlob;\n")
open(p,'w').write(s)
PY
fi
cd $OUT/apps/server && npx tsc -p tsconfig.build.json
echo "built $OUT/apps/server/dist"
