// Bundle web/ into static/: index.html, assets/app.js, assets/app.css and the licences of
// the bundled packages (assets/THIRD-PARTY-LICENSES.txt). Run through build.sh.

import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "static");
const assets = join(out, "assets");

await rm(out, { recursive: true, force: true });
await mkdir(assets, { recursive: true });
const result = await build({
  entryPoints: { app: join(here, "web", "main.js") },
  outdir: assets,
  entryNames: "[name]-[hash]", // content-hashed names: the API lets browsers cache them for good
  bundle: true,
  format: "esm",
  target: ["chrome109", "firefox115", "safari16"],
  minify: true,
  sourcemap: false,
  legalComments: "none", // the packages' full licence files are collected below instead
  charset: "utf8",
  metafile: true,
  logLevel: "warning",
});
// index.html names the hashed files.
let html = await readFile(join(here, "web", "index.html"), "utf8");
for (const path of Object.keys(result.metafile.outputs)) {
  html = html.replace(
    `/dashboard/assets/app${extname(path)}`,
    `/dashboard/assets/${basename(path)}`,
  );
}
if (html.includes("/dashboard/assets/app."))
  throw new Error("index.html still names an unhashed asset");
await writeFile(join(out, "index.html"), html);

// Every package that ends up in app.js ships its licence (and NOTICE, for Apache-2.0) with it.
const LICENCE_FILES = ["LICENSE", "LICENSE.md", "LICENSE.txt", "NOTICE"];
const bundled = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (match) bundled.add(match[1]);
}
const sections = [];
for (const name of [...bundled].sort()) {
  const { version, license } = JSON.parse(
    await readFile(join(here, "node_modules", name, "package.json"), "utf8"),
  );
  sections.push(`${"=".repeat(78)}\n${name} ${version} (${license})\n${"=".repeat(78)}`);
  for (const file of LICENCE_FILES) {
    const text = await readFile(join(here, "node_modules", name, file), "utf8").catch(() => null);
    if (text !== null) sections.push(`--- ${file}\n${text.trim()}\n`);
  }
}
await writeFile(join(assets, "THIRD-PARTY-LICENSES.txt"), `${sections.join("\n")}\n`);
for (const [path, { bytes }] of Object.entries(result.metafile.outputs)) {
  console.log(`dashboard: ${path.replace(`${here}/`, "")} ${(bytes / 1024).toFixed(0)} KiB`);
}

// The API's interactive docs (/docs) load Swagger UI from here, never from a CDN.
const docs = join(assets, "docs");
await mkdir(docs, { recursive: true });
const swagger = join(here, "node_modules", "swagger-ui-dist");
for (const file of [
  "swagger-ui-bundle.js",
  "swagger-ui.css",
  "favicon-32x32.png",
  "LICENSE",
  "NOTICE",
]) {
  await writeFile(join(docs, file), await readFile(join(swagger, file)));
}
const { version: swaggerVersion } = JSON.parse(
  await readFile(join(swagger, "package.json"), "utf8"),
);
console.log(`dashboard: static/assets/docs (swagger-ui-dist ${swaggerVersion})`);
