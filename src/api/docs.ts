import express, { type Express } from 'express';
import { getAbsoluteFSPath } from 'swagger-ui-dist';

/** /docs: Swagger UI, served from the installed package (no CDN), reading /openapi.json. */
export function docsPage(app: Express): void {
  app.get('/docs', (_req, res) => {
    res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sms-channel API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`);
  });
  app.get('/docs/init.js', (_req, res) => {
    res.type('js').send(`window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });`);
  });
  app.use('/docs/assets', express.static(getAbsoluteFSPath(), { index: false }));
}
