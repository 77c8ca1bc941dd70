import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CONSOLE_DIR } from '../src/console/router';
import { ERROR_STATUS } from '../src/errors';
import { CHANNELS, CHANNEL_STATUSES, MESSAGE_STATUSES, NUMBER_KINDS, NUMBER_TYPES, REQUEST_STATUSES, ROLES, WEBHOOK_STATUSES } from '../src/db/models';
import { CONSOLE_LANGUAGES as LANGS, consoleCatalogueFiles, consoleWords, type ConsoleEntry as Entry } from './support/browser';

/*
 * The console's catalogues, without a browser: every entry holds both languages (Icelandic and
 * English) with the same placeholders and plural shape, every catalogue file is loaded and no key
 * is in two, and every key the code uses or builds from the API's codes and values exists.
 * test/console-i18n.test.ts checks the pages in a real browser.
 */

type Catalogue = Record<string, Entry>;

function consoleSources(dir = path.join(CONSOLE_DIR, 'js')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? consoleSources(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : [],
  );
}

const placeholders = (entry: Entry) =>
  [...new Set((typeof entry === 'string' ? [entry] : Object.values(entry)).flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1])))].sort();

describe('console catalogues', () => {
  const files = consoleCatalogueFiles();
  const catalogues: Record<string, Catalogue> = { is: consoleWords('is'), en: consoleWords('en') };

  it('when an entry is in a catalogue, then it has every language, with the same placeholders and plural shape', () => {
    for (const [file, entries] of Object.entries(files)) {
      for (const [key, entry] of Object.entries(entries)) {
        assert.deepEqual(Object.keys(entry).sort(), [...LANGS].sort(), `languages of ${key} in ${file}`);
        for (const lang of LANGS) {
          assert.ok(typeof entry[lang] === 'string' || (typeof entry[lang] === 'object' && typeof entry[lang].other === 'string'), `${lang}.${key} is a text or has an "other" form`);
          assert.deepEqual(placeholders(entry[lang]), placeholders(entry.en), `placeholders of ${lang}.${key}`);
          assert.equal(typeof entry[lang], typeof entry.en, `shape of ${lang}.${key}`);
        }
      }
    }
  });

  it('when a catalogue file exists, then the console loads it, and no key is in two of them', () => {
    const loaded = [...readFileSync(path.join(CONSOLE_DIR, 'js', 'i18n.js'), 'utf8').matchAll(/from '\.\.\/i18n\/([\w-]+\.json)'/g)].map((m) => m[1]);
    assert.deepEqual(loaded.sort(), Object.keys(files).sort());
    const seen = new Map<string, string>();
    for (const [file, entries] of Object.entries(files)) {
      for (const key of Object.keys(entries)) {
        assert.equal(seen.get(key), undefined, `${key} is in ${file} and in ${seen.get(key)}`);
        seen.set(key, file);
      }
    }
  });

  it('when the code names a key, then both catalogues have it', () => {
    const used = new Map<string, string>();
    for (const file of consoleSources()) {
      // t('key'...), has('key'), and page labels/titles given as keys ({ label: 'nav.chat' })
      for (const m of readFileSync(file, 'utf8').matchAll(/\b(?:t|has)\(\s*'([\w.]+)'|\b(?:label|title): '([a-z]+\.[\w.]+)'/g)) {
        used.set(m[1] ?? m[2], path.relative(CONSOLE_DIR, file));
      }
    }
    assert.ok(used.size > 100, `only ${used.size} keys found: the pattern no longer matches the code`);
    for (const lang of LANGS) {
      const missing = [...used].filter(([key]) => !(key in catalogues[lang])).map(([key, file]) => `${key} (${file})`);
      assert.deepEqual(missing, [], `keys missing in ${lang}`);
    }
  });

  it('when the API can answer a code or an enum value, then both catalogues have words for it', () => {
    // the keys the code builds from values: `error.${code}`, `messageStatus.${status}`, ...
    const steps = [...readFileSync(path.join(__dirname, '..', 'src', 'workflows', 'numberRequest.ts'), 'utf8').matchAll(/note\('(\w+)'/g)].map((m) => m[1]);
    assert.ok(steps.length >= 10, 'timeline steps found in the workflow');
    const built = [
      ...Object.keys(ERROR_STATUS).map((c) => `error.${c}`),
      'error.network',
      ...MESSAGE_STATUSES.map((s) => `messageStatus.${s}`),
      ...REQUEST_STATUSES.map((s) => `requestStatus.${s}`),
      ...CHANNEL_STATUSES.map((s) => `channelStatus.${s}`),
      'channelStatus.disabled',
      ...WEBHOOK_STATUSES.map((s) => `webhook.${s}`),
      ...['ours', 'elsewhere', 'none'].map((w) => `own.webhook.${w}`),
      ...NUMBER_KINDS.map((k) => `numberKind.${k}`),
      ...[...NUMBER_TYPES, 'alphanumeric'].map((t) => `numberType.${t}`),
      ...CHANNELS.map((c) => `channel.${c}`),
      ...ROLES.map((r) => `role.${r}`),
      ...steps.map((s) => `step.${s}`),
    ];
    for (const lang of LANGS) {
      assert.deepEqual(built.filter((key) => !(key in catalogues[lang])), [], `words missing in ${lang}`);
    }
  });
});
