/**
 * A V8 code cache for the built CommonJS modules, for Node versions without `module.enableCompileCache` (before
 * 22.1): scripts/runBuilt.js preloads it (`-r`) with RUN_BUILT_COMPILE_CACHE set to a folder. Each module's compiled
 * code is kept in one blob, keyed by file, size and modification time, and handed back to V8 at the next start, so
 * botbuilder and teams-ai are not compiled again at every chat CLI run (~0.3 s of CPU here). Modules it cannot
 * compile as plain CommonJS (ES module syntax, dynamic import()) go through Node's own path; a rejected or missing
 * entry only means a normal compile, and the blob is rewritten at exit when anything was compiled afresh.
 */
'use strict';
const Module = require('node:module');
const vm = require('node:vm');
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.RUN_BUILT_COMPILE_CACHE;
if (dir) {
  const blobFile = path.join(dir, 'cache.bin');
  const mapFile = path.join(dir, 'cache.json');
  let map = {};
  let blob = Buffer.alloc(0);
  try {
    map = JSON.parse(fs.readFileSync(mapFile, 'utf8'));
    blob = fs.readFileSync(blobFile);
  } catch {
    map = {};
  }
  const scripts = new Map();
  let dirty = false;
  const original = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(content, filename) {
    if (!filename.endsWith('.js') || content.includes('import(')) return original.call(this, content, filename);
    const stat = fs.statSync(filename);
    const version = `${stat.size}:${stat.mtimeMs}`;
    const entry = map[filename];
    const cachedData = entry && entry.v === version ? blob.subarray(entry.o, entry.o + entry.l) : undefined;
    let script;
    try {
      script = new vm.Script(Module.wrap(content), { filename, cachedData });
    } catch {
      // ES module syntax (Node loads those itself) or anything else unusual: Node's own path.
      return original.call(this, content, filename);
    }
    if (!cachedData || script.cachedDataRejected) dirty = true;
    scripts.set(filename, { script, version });
    const fn = script.runInThisContext({ displayErrors: true });
    const mod = this;
    const require = (id) => mod.require(id);
    require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
    require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
    require.main = process.mainModule;
    require.extensions = Module._extensions;
    require.cache = Module._cache;
    return fn.call(mod.exports, mod.exports, require, mod, filename, path.dirname(filename));
  };
  process.once('exit', () => {
    if (!dirty) return;
    try {
      const parts = [];
      const next = {};
      let offset = 0;
      for (const [filename, { script, version }] of scripts) {
        const data = script.createCachedData();
        next[filename] = { v: version, o: offset, l: data.length };
        parts.push(data);
        offset += data.length;
      }
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(`${blobFile}.${process.pid}`, Buffer.concat(parts));
      fs.writeFileSync(`${mapFile}.${process.pid}`, JSON.stringify(next));
      fs.renameSync(`${blobFile}.${process.pid}`, blobFile);
      fs.renameSync(`${mapFile}.${process.pid}`, mapFile);
    } catch {
      // A cache that cannot be written only costs the next start its speed.
    }
  });
}
