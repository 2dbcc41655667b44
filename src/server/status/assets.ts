/**
 * The files the status page and the API reference load, all served by recscore itself (no CDN, no build
 * step): the project's own under `web/` at the repository root, and the charting (uPlot) and reference
 * (swagger-ui-dist) libraries read from their installed packages. A fixed table of names: no request
 * data reaches a file path, and the in-memory cache holds at most these few files.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
// dist/src/server/status/assets.js → the repository root, four levels up.
const WEB = fileURLToPath(new URL('../../../../web/', import.meta.url));

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const HTML = 'text/html; charset=utf-8';

interface Asset {
  file: () => string;
  type: string;
}

const ASSETS: Record<string, Asset> = {
  'status.html': { file: () => `${WEB}status.html`, type: HTML },
  'status.js': { file: () => `${WEB}status.js`, type: JS },
  'status.css': { file: () => `${WEB}status.css`, type: CSS },
  'docs.html': { file: () => `${WEB}docs.html`, type: HTML },
  'docs.js': { file: () => `${WEB}docs.js`, type: JS },
  'uplot.js': { file: () => require.resolve('uplot/dist/uPlot.iife.min.js'), type: JS },
  'uplot.css': { file: () => require.resolve('uplot/dist/uPlot.min.css'), type: CSS },
  'swagger-ui.js': { file: () => require.resolve('swagger-ui-dist/swagger-ui-bundle.js'), type: JS },
  'swagger-ui.css': { file: () => require.resolve('swagger-ui-dist/swagger-ui.css'), type: CSS },
};

export const ASSET_NAMES = Object.keys(ASSETS);

export interface LoadedAsset {
  body: Uint8Array;
  type: string;
}

const cache = new Map<string, Promise<LoadedAsset>>();

/** The named asset, read once per process; undefined for a name not in the table. */
export function loadAsset(name: string): Promise<LoadedAsset> | undefined {
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) return undefined;
  let loaded = cache.get(name);
  if (!loaded) {
    loaded = readFile(asset.file()).then((body) => ({ body, type: asset.type }));
    // A failed read (a missing web/ folder in a broken image) is retried by the next request.
    loaded.catch(() => cache.delete(name));
    cache.set(name, loaded);
  }
  return loaded;
}

/**
 * The pages' policy: everything from recscore itself, no inline script or style, no framing, no forms.
 * uPlot and Swagger UI set styles through the CSSOM (element.style), which `style-src 'self'` allows;
 * Swagger UI's icons are data: URLs.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
