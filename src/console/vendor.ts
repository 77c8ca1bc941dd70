import { build } from 'esbuild';
import type { Request, Response } from 'express';

/**
 * The composer counts segments with the library the API counts with (src/messaging/segments.ts),
 * so the count a person sees is the one they are billed and paced by. The package ships CommonJS
 * only (no browser build), so it is bundled once, on first request, into one ES module the page
 * imports; esbuild is the one tsx already runs on.
 */
const SEGMENTS_ENTRY = "export { SegmentedMessage } from 'sms-segments-calculator';";
export const SEGMENTS_MODULE = 'vendor/sms-segments-calculator.js';

let segmentsModule: Promise<string> | undefined;

function bundleSegments(): Promise<string> {
  segmentsModule ??= build({
    stdin: { contents: SEGMENTS_ENTRY, resolveDir: __dirname, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  })
    .then((result) => result.outputFiles[0].text)
    .catch((err: unknown) => {
      // Not remembered: the next page load tries again (Express answers this one 500).
      segmentsModule = undefined;
      throw err;
    });
  return segmentsModule;
}

export async function serveSegmentsModule(_req: Request, res: Response): Promise<void> {
  res.type('js').setHeader('Cache-Control', 'no-cache');
  res.send(await bundleSegments());
}
