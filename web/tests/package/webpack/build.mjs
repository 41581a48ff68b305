// `node build.mjs`: webpack's production build (through its Node API, so that no webpack-cli is
// needed), then the static files of public/ beside it.
import { cpSync } from 'node:fs';
import webpack from 'webpack';
import config from './webpack.config.js';

const stats = await new Promise((resolve, reject) => {
  webpack(config, (error, result) => (error ? reject(error) : resolve(result)));
});
const info = stats.toJson({ all: false, errors: true, warnings: true, assets: true });
for (const w of info.warnings ?? []) console.warn(`webpack warning: ${w.message}`);
for (const e of info.errors ?? []) console.error(`webpack error: ${e.message}`);
for (const a of info.assets ?? []) console.log(`${a.name}\t${a.size}`);
if (stats.hasErrors()) process.exit(1);
cpSync('public', 'dist', { recursive: true });
