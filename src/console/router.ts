import path from 'node:path';
import express, { Router } from 'express';
import { SEGMENTS_MODULE, serveSegmentsModule } from './vendor';

/** Where the console's files live: plain HTML, CSS and ES modules, served as they are (no build step). */
export const CONSOLE_DIR = path.join(__dirname, 'public');
export const CONSOLE_PATH = '/app';

/**
 * The web console, on the API's own origin so that it calls the API without CORS. Pages are
 * routed in the browser (`/app/#/chat`), so one index.html serves them all; `/` leads there.
 */
export function consoleRouter(): Router {
  const router = Router();
  router.get('/', (_req, res) => res.redirect(302, `${CONSOLE_PATH}/`));
  router.get(`${CONSOLE_PATH}/${SEGMENTS_MODULE}`, serveSegmentsModule);
  router.use(
    CONSOLE_PATH,
    express.static(CONSOLE_DIR, {
      index: 'index.html',
      redirect: true,
      // Revalidate every time (cheap with ETags): a deploy is never hidden behind a stale module.
      cacheControl: true,
      maxAge: 0,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );
  return router;
}
