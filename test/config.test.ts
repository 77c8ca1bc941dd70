import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../src/config';

const valid = {
  MONGODB_URI: 'mongodb://127.0.0.1:27017/sms',
  TEMPORAL_ADDRESS: '127.0.0.1:7233',
  TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'secret-token-value',
};

describe('configuration', () => {
  it('when every value is valid, then defaults fill the rest', () => {
    const config = loadConfig(valid);
    assert.equal(config.API_PORT, 3000);
    assert.equal(config.NUMBER_COOLDOWN_SECONDS, 7 * 24 * 3600);
  });

  it('when a value is bad or missing, then the error names the variable and what it expects', () => {
    assert.throws(
      () => loadConfig({ ...valid, API_PORT: 'eighty', TEMPORAL_ADDRESS: undefined }),
      (err: Error) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /API_PORT: expected number; it is set to an invalid value/);
        assert.match(err.message, /TEMPORAL_ADDRESS: expected .*it is not set/);
        return true;
      },
    );
  });

  it('when a secret is invalid, then its value is not echoed', () => {
    assert.throws(() => loadConfig({ ...valid, TWILIO_AUTH_TOKEN: 'short' }), (err: Error) => !err.message.includes('short') && /TWILIO_AUTH_TOKEN/.test(err.message));
  });
});
