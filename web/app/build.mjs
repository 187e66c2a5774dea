// Builds the field app into ../../pb_public/app (embedded by main.go, served
// at /app/). The output depends only on the sources and the lockfile, so CI
// rebuilds and runs `git diff --exit-code pb_public/app` to catch a stale
// bundle. The directory is rebuilt from scratch: nothing old survives.
//
//   node build.mjs           build
//   node build.mjs --watch   rebuild on change (development)
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', '..', 'pb_public', 'app');
const watch = process.argv.includes('--watch');

const hash = (buf) => createHash('sha256').update(buf).digest('hex').slice(0, 12);

async function files(dir) {
  const list = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) list.push(...(await files(p)));
    else list.push(p);
  }
  return list.sort();
}

async function write(result) {
  await rm(out, { recursive: true, force: true });
  await mkdir(join(out, 'assets'), { recursive: true });
  const assets = {};
  for (const f of result.outputFiles) {
    await writeFile(f.path, f.contents);
    assets[f.path.endsWith('.css') ? 'css' : 'js'] = { url: '/app/' + relative(out, f.path), v: hash(f.contents) };
  }
  await cp(join(here, 'public'), out, { recursive: true });
  await cp(join(here, 'manifest.webmanifest'), join(out, 'manifest.webmanifest'));
  const js = `${assets.js.url}?v=${assets.js.v}`;
  const css = `${assets.css.url}?v=${assets.css.v}`;
  const html = (await readFile(join(here, 'index.html'), 'utf8')).replace('%JS%', js).replace('%CSS%', css);
  await writeFile(join(out, 'index.html'), html);

  // The service worker precaches the shell; its version is the hash of everything it lists.
  const statics = (await files(out)).map((p) => '/app/' + relative(out, p)).filter((u) => !u.startsWith('/app/assets/') && u !== '/app/index.html');
  const shell = ['/app/', js, css, ...statics];
  const swSource = await readFile(join(here, 'sw.js'), 'utf8');
  const version = hash(Buffer.concat([Buffer.from(swSource), ...(await Promise.all((await files(out)).map((p) => readFile(p))))]));
  const sw = swSource.replace('%VERSION%', version).replace('%SHELL%', JSON.stringify(shell, null, 2));
  await writeFile(join(out, 'sw.js'), sw);
  const size = result.outputFiles.reduce((s, f) => s + f.contents.length, 0);
  console.log(`field app: ${(size / 1024).toFixed(1)} KiB (js+css) -> pb_public/app/ (sw ${version})`);
}

const options = {
  entryPoints: { app: join(here, 'src', 'main.jsx') },
  outdir: join(out, 'assets'),
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
  logLevel: 'warning',
  write: false,
};

if (watch) {
  const ctx = await esbuild.context({ ...options, plugins: [{ name: 'write', setup(b) { b.onEnd((r) => { if (!r.errors.length) write(r); }); } }] });
  await ctx.watch();
} else {
  await write(await esbuild.build(options));
}
