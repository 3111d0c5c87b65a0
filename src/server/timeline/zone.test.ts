import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { momentOf, wallClockOf } from './zone.ts';

describe('company time zone', () => {
  const berlin = 'Europe/Berlin';

  it('reads a wall-clock time of the zone as its moment, in winter and in summer', () => {
    assert.equal(momentOf('2026-01-15', '09:30', berlin).toISOString(), '2026-01-15T08:30:00.000Z');
    assert.equal(momentOf('2026-07-15', '09:30', berlin).toISOString(), '2026-07-15T07:30:00.000Z');
    assert.equal(momentOf('2026-07-15', null, berlin).toISOString(), '2026-07-14T22:00:00.000Z');
  });

  it('takes the first of a time that occurs twice and moves a skipped one past the change', () => {
    // 25 October 2026: 03:00 summer time becomes 02:00 winter time.
    assert.equal(momentOf('2026-10-25', '02:30', berlin).toISOString(), '2026-10-25T00:30:00.000Z');
    // 29 March 2026: 02:00 winter time becomes 03:00 summer time; 02:30 does not exist.
    assert.equal(momentOf('2026-03-29', '02:30', berlin).toISOString(), '2026-03-29T01:30:00.000Z');
  });

  it('gives the day and time of a moment as the company counts them', () => {
    assert.deepEqual(wallClockOf(new Date('2026-11-29T23:30:00Z'), berlin), { day: '2026-11-30', time: '00:30' });
    assert.deepEqual(wallClockOf(new Date('2026-11-29T23:30:00Z'), 'UTC'), { day: '2026-11-29', time: '23:30' });
  });

  it('reads the clock again for another second, however close: the last read is kept for its second alone', () => {
    // The last millisecond of summer time and the first of winter time.
    assert.deepEqual(wallClockOf(new Date('2026-10-25T00:59:59.999Z'), berlin), { day: '2026-10-25', time: '02:59' });
    assert.deepEqual(wallClockOf(new Date('2026-10-25T01:00:00.000Z'), berlin), { day: '2026-10-25', time: '02:00' });
    assert.deepEqual(wallClockOf(new Date('2026-10-25T01:00:00.999Z'), berlin), { day: '2026-10-25', time: '02:00' });
    const read = wallClockOf(new Date('2026-10-25T01:00:00.500Z'), berlin);
    read.day = 'changed by a caller';
    assert.equal(wallClockOf(new Date('2026-10-25T01:00:00.600Z'), berlin).day, '2026-10-25');
  });

  it('round-trips every quarter hour of a year', () => {
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 15 * 60_000) {
      const at = new Date(t);
      const { day, time } = wallClockOf(at, berlin);
      const back = momentOf(day, time, berlin);
      // The repeated hour of the change to winter time reads as its first occurrence.
      if (back.getTime() !== t) assert.equal(t - back.getTime(), 3_600_000, `${at.toISOString()} ${day} ${time}`);
    }
  });
});
