// Builds Jangkau's web apps into ../pb_public, which main.go embeds.
// Output is deterministic (same sources and lockfile, same bytes), so CI can
// rebuild and `git diff --exit-code pb_public` to catch a stale bundle.
//
//   node build.mjs          build every app
//   node build.mjs --watch  rebuild on change (development)
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'pb_public');

// One line per app. `base` is where it is served. The field app of issue 8
// goes here as { name: 'app', entry: 'app/main.jsx', html: 'app/index.html', base: 'app/' }
// (plus its manifest and service worker as extra files).
const apps = [
  { name: 'console', entry: 'console/main.jsx', html: 'console/index.html', base: '' },
];

const watch = process.argv.includes('--watch');

async function buildApp(app) {
  const dir = join(out, app.base);
  const assets = join(dir, 'assets');
  await rm(join(assets, `${app.name}.js`), { force: true });
  await rm(join(assets, `${app.name}.css`), { force: true });
  await mkdir(assets, { recursive: true });
  const options = {
    entryPoints: { [app.name]: join(here, app.entry) },
    outdir: assets,
    bundle: true,
    format: 'esm',
    target: 'es2020',
    minify: !watch,
    sourcemap: false,
    legalComments: 'eof',
    charset: 'utf8',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.json': 'json' },
    logLevel: 'warning',
    write: false,
    metafile: true,
  };
  const writeResult = async (result) => {
    const hashes = {};
    for (const f of result.outputFiles) {
      await writeFile(f.path, f.contents);
      hashes[f.path.endsWith('.css') ? 'css' : 'js'] = createHash('sha256').update(f.contents).digest('hex').slice(0, 12);
    }
    const prefix = '/' + app.base + 'assets/' + app.name;
    const html = (await readFile(join(here, app.html), 'utf8'))
      .replace('%JS%', `${prefix}.js?v=${hashes.js}`)
      .replace('%CSS%', `${prefix}.css?v=${hashes.css}`);
    await writeFile(join(dir, 'index.html'), html);
    const size = result.outputFiles.reduce((s, f) => s + f.contents.length, 0);
    console.log(`${app.name}: ${(size / 1024).toFixed(1)} KiB -> pb_public/${app.base}`);
  };
  if (watch) {
    const ctx = await esbuild.context({ ...options, plugins: [{ name: 'write', setup(b) { b.onEnd((r) => { if (!r.errors.length) writeResult(r); }); } }] });
    await ctx.watch();
    return;
  }
  await writeResult(await esbuild.build(options));
}

for (const app of apps) await buildApp(app);
