// Extracts the field types Meta's own Python business SDK declares for the
// Graph objects the product reads (each class's `_field_types`), and the
// edges between them (`get_<edge>` methods: endpoint and target class),
// into one JSON file per object beside this script.
//
//   git clone https://github.com/facebook/facebook-python-business-sdk sdk
//   node tests/clients/schemas/facebook/extract_field_types.mjs sdk [REV]
//
// Reads through `git show REV:path`, so a bare mirror works as well as a
// checkout. SOURCE.md names the commit the checked-in files came from.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ADOBJECTS = 'facebook_business/adobjects';

/** SDK class -> its module: the objects the product's Graph calls return. */
export const OBJECTS = {
  User: 'user.py',
  Page: 'page.py',
  PageCategory: 'pagecategory.py',
  PagePost: 'pagepost.py',
  Comment: 'comment.py',
  UnifiedThread: 'unifiedthread.py',
  Photo: 'photo.py',
  Profile: 'profile.py',
};

/** `'name': 'type',` lines of the class's `_field_types = {...}` block. */
export function fieldTypes(source) {
  const block = /\n    _field_types = \{\n([\s\S]*?)\n    \}/.exec(source);
  if (!block) throw new Error('no _field_types block');
  const out = {};
  for (const m of block[1].matchAll(/^\s*'([^']+)': '([^']+)',?\s*$/gm)) out[m[1]] = m[2];
  return out;
}

/**
 * Read edges: every `def get_<name>(...)` whose request names an endpoint
 * and a target class. Edges the SDK types as AbstractCrudObject (no field
 * list) are kept with that name, so a test can tell them apart.
 */
export function edges(source) {
  const out = {};
  const defs = [...source.matchAll(/\n    def get_(\w+)\(/g)];
  defs.forEach((d, i) => {
    const body = source.slice(d.index, i + 1 < defs.length ? defs[i + 1].index : undefined);
    const endpoint = /endpoint='\/(\w+)'/.exec(body);
    const target = /target_class=(\w+)/.exec(body);
    if (endpoint && target && /method='GET'/.test(body)) out[endpoint[1]] = target[1];
  });
  return out;
}

function main() {
  const [repo, rev = 'HEAD'] = process.argv.slice(2);
  if (!repo) {
    console.error('usage: node extract_field_types.mjs SDK_REPO [REV]');
    process.exit(2);
  }
  const git = (...args) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const commit = git('rev-parse', rev).trim();
  for (const [name, file] of Object.entries(OBJECTS)) {
    const p = `${ADOBJECTS}/${file}`;
    const source = git('show', `${commit}:${p}`);
    const doc = {
      object: name,
      source: { repository: 'https://github.com/facebook/facebook-python-business-sdk', commit, path: p },
      field_types: fieldTypes(source),
      edges: edges(source),
    };
    writeFileSync(path.join(HERE, `${name}.json`), `${JSON.stringify(doc, null, 2)}\n`);
    console.log(`${name}: ${Object.keys(doc.field_types).length} fields, ${Object.keys(doc.edges).length} edges`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
