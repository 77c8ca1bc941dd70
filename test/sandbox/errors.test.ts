import assert from 'node:assert/strict';
import { describeDeliveryError } from '../../src/provider';
import { errorFromResponse, errorFromTransport, parseRetryAfter } from '../../src/provider/errors';

describe('provider error classification', () => {
  it('when Twilio answers, then status and code decide the category', () => {
    assert.equal(errorFromResponse({ httpStatus: 429, code: 20429, retryAfter: '2' }).category, 'throttled');
    assert.equal(errorFromResponse({ httpStatus: 429, code: 20429, retryAfter: '2' }).retryAfterMs, 2000);
    assert.equal(errorFromResponse({ httpStatus: 502 }).category, 'transient');
    for (const code of [21211, 21614, 21610, 21617, 21606, 20003, 21422]) {
      const e = errorFromResponse({ httpStatus: code === 20003 ? 401 : 400, code });
      assert.equal(e.category, 'permanent', String(code));
      assert.doesNotMatch(e.sentence, /provider refused the request/, `no sentence for ${code}`);
    }
    assert.match(errorFromResponse({ httpStatus: 400, code: 21999, message: 'odd' }).sentence, /21999: odd/);
  });

  it('when no answer came, then whether the request was sent and is repeatable decides', () => {
    assert.equal(errorFromTransport({ errorCode: 'ECONNREFUSED', message: 'refused', requestSent: false, idempotent: false }).category, 'transient');
    assert.equal(errorFromTransport({ errorCode: 'ECONNRESET', message: 'socket hang up', requestSent: true, idempotent: false }).category, 'ambiguous');
    assert.equal(errorFromTransport({ errorCode: 'ECONNABORTED', message: 'timeout of 5ms exceeded', requestSent: true, idempotent: true }).category, 'transient');
    assert.equal(errorFromTransport({ errorCode: 'ECONNABORTED', message: 'timeout of 5ms exceeded', requestSent: false, idempotent: false }).category, 'transient');
  });

  it('when a delivery code is given, then a sentence explains each 30xxx code of the reference', () => {
    const sentences = [30001, 30003, 30004, 30005, 30006, 30007, 30008, 30022, 30034, 30036].map((c) => describeDeliveryError(c));
    assert.equal(new Set(sentences).size, sentences.length);
    assert.ok(sentences.every((s) => !/provider error/.test(s)));
    assert.match(describeDeliveryError('30036'), /validity period/);
    assert.match(describeDeliveryError(39999), /39999/);
  });

  it('when Retry-After is an HTTP date, then it becomes the milliseconds until then', () => {
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6_000);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});
