import assert from 'node:assert/strict';
import { SegmentedMessage } from 'sms-segments-calculator';
import { countSegments } from '../../src/sandbox/segments';
import { mulberry32 } from '../../src/sandbox/prng';

describe('sandbox segment counting', () => {
  it('when a GSM-7 body passes 160 septets, then it splits in 153-septet segments', () => {
    assert.deepEqual(countSegments('a'.repeat(160)), { encoding: 'GSM-7', segments: 1 });
    assert.deepEqual(countSegments('a'.repeat(161)), { encoding: 'GSM-7', segments: 2 });
    assert.deepEqual(countSegments('a'.repeat(306)), { encoding: 'GSM-7', segments: 2 });
    assert.deepEqual(countSegments('a'.repeat(307)), { encoding: 'GSM-7', segments: 3 });
  });

  it('when the body has extension characters, then each counts two septets and is not split', () => {
    assert.equal(countSegments('€'.repeat(80)).segments, 1);
    assert.equal(countSegments('€'.repeat(81)).segments, 2);
    // 152 septets then a two-septet character: it moves whole to the second segment.
    assert.equal(countSegments('a'.repeat(152) + '[' + 'a'.repeat(9)).segments, 2);
  });

  it('when any character is outside GSM-7, then the whole body is UCS-2 at 70/67', () => {
    assert.deepEqual(countSegments('ж'.repeat(70)), { encoding: 'UCS-2', segments: 1 });
    assert.deepEqual(countSegments('ж'.repeat(71)), { encoding: 'UCS-2', segments: 2 });
    assert.deepEqual(countSegments('a'.repeat(100) + '✓'), { encoding: 'UCS-2', segments: 2 });
    assert.equal(countSegments('😀'.repeat(35)).segments, 1);
    assert.equal(countSegments('😀'.repeat(36)).segments, 2);
  });

  it('agrees with Twilio\'s sms-segments-calculator on random bodies', () => {
    const rnd = mulberry32(42);
    const alphabet = ['a', 'Z', ' ', '1', '€', '^', '{', 'é', 'ж', '✓', '😀', '\n', 'ß'];
    for (let i = 0; i < 300; i++) {
      const len = Math.floor(rnd() * 400);
      const gsmOnly = rnd() < 0.5;
      let s = '';
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(rnd() * (gsmOnly ? 8 : alphabet.length))];
      const theirs = new SegmentedMessage(s);
      assert.deepEqual(countSegments(s), { encoding: theirs.encodingName, segments: theirs.segmentsCount }, `body ${JSON.stringify(s)}`);
    }
  });
});
