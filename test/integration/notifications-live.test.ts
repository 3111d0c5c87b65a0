import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { NotificationList } from '../../src/contract/notifications.ts';
import { tokenHash } from '../../src/server/access/sessions/tokens.ts';
import { type Browser, call, createAccount, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { grant, openCase } from '../support/cases.ts';
import { engines } from '../support/db.ts';

/**
 * The bell told live (docs/cases.md, "Notifications"): a server-sent event stream that says only
 * "changed", as soon as a notification for the caller commits; a grant and a revocation ring the
 * bell of whom they concern, and a revocation no longer names the case; the stream never extends
 * the session and ends with it.
 */
class Stream {
  readonly events: string[] = [];
  #waiters: (() => void)[] = [];
  ended = false;
  readonly response: IncomingMessage;
  constructor(response: IncomingMessage) {
    this.response = response;
    let buffer = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      buffer += chunk;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        if (event !== undefined) this.events.push(event);
        end = buffer.indexOf('\n\n');
      }
      for (const w of this.#waiters.splice(0)) w();
    });
    response.on('end', () => {
      this.ended = true;
      for (const w of this.#waiters.splice(0)) w();
    });
  }
  /** Waits until the stream has sent `count` events of this name (or ended). */
  async until(predicate: () => boolean, ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out; events so far: ${this.events.join(', ')}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }
  count(name: string): number {
    return this.events.filter((e) => e === name).length;
  }
  close(): void {
    this.response.destroy();
  }
}

function open(port: number, browser: Browser): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/api/notifications/stream',
        headers: { cookie: `__Host-tma=${browser.cookie}`, accept: 'text/event-stream' },
      },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`stream answered ${res.statusCode}`));
        else resolve(new Stream(res));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

for (const engine of engines()) {
  describe(`live notifications on ${engine}`, () => {
    let t: TestApp;
    let port: number;
    let lead: Browser;
    let member: Browser;
    let memberId: string;
    let caseId: string;
    before(async () => {
      t = await buildTestApp(engine, { notificationBeatMs: 200 });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      port = (t.app.server.address() as AddressInfo).port;
      const l = await createAccount(t, 'threat_manager');
      lead = await signIn(t, l.email);
      await stepUp(t, lead);
      const m = await createAccount(t, 'threat_manager');
      memberId = m.id;
      member = await signIn(t, m.email);
      caseId = (await openCase(t, lead)).id;
    });
    after(() => t.close());

    const bell = async (browser: Browser): Promise<NotificationList> => {
      const res = await call(t, browser, 'GET', '/api/notifications');
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };

    test('a grant and a revocation reach the stream at once; the bell names the case only while it is reachable', async () => {
      const stream = await open(port, member);
      try {
        await stream.until(() => stream.count('changed') >= 1);
        await grant(t, lead, caseId, { userId: memberId, role: 'member', fullScope: true, sections: [] });
        await stream.until(() => stream.count('changed') >= 2);
        const granted = (await bell(member)).notifications[0];
        assert.equal(granted?.kind, 'grant');
        assert.equal(granted?.case?.id, caseId);
        const revoke = await call(t, lead, 'DELETE', `/api/cases/${caseId}/members/${memberId}?expectedVersion=1`);
        assert.equal(revoke.statusCode, 204, revoke.body);
        await stream.until(() => stream.count('changed') >= 3);
        const list = await bell(member);
        assert.deepEqual(
          list.notifications.map((n) => [n.kind, n.case]),
          [['revoke', null]],
          'the grant of a case out of reach is gone, the revocation does not name it',
        );
        // The lead's own acts ring nothing of their own.
        assert.equal((await bell(lead)).notifications.length, 0);
      } finally {
        stream.close();
      }
    });

    test('a recusal rings nothing: the bell would tell the account that the case is about someone close', async () => {
      const close = await createAccount(t, 'threat_manager', { email: 'kim.nah@example.com' });
      const other = await openCase(t, lead);
      await grant(t, lead, other.id, { userId: close.id, role: 'member', fullScope: true });
      const person = await call(t, lead, 'POST', `/api/cases/${other.id}/persons`, {
        role: 'person_of_concern',
        identity: { contact: 'kim.nah@example.com' },
      });
      assert.equal(person.statusCode, 201, person.body);
      const stored = await t.database.db
        .selectFrom('notifications')
        .select('kind')
        .where('user_id', '=', close.id)
        .execute();
      assert.deepEqual(
        stored.map((n) => n.kind),
        ['grant'],
      );
      const recused = await t.database.db
        .selectFrom('case_members')
        .select('user_id')
        .where('case_id', '=', other.id)
        .where('user_id', '=', close.id)
        .execute();
      assert.deepEqual(recused, [], 'the recusal ended the membership');
    });

    test('the stream carries nothing but "changed", and keeping it open does not keep the session alive', async () => {
      const stream = await open(port, member);
      try {
        const seen = await t.database.db
          .selectFrom('sessions')
          .select('last_seen_at')
          .where('token_hash', '=', tokenHash(member.cookie ?? ''))
          .executeTakeFirstOrThrow();
        await stream.until(() => stream.events.length >= 1);
        await new Promise((r) => setTimeout(r, 600));
        const later = await t.database.db
          .selectFrom('sessions')
          .select('last_seen_at')
          .where('token_hash', '=', tokenHash(member.cookie ?? ''))
          .executeTakeFirstOrThrow();
        assert.equal(later.last_seen_at.getTime(), seen.last_seen_at.getTime());
        assert.deepEqual([...new Set(stream.events)], ['changed']);
      } finally {
        stream.close();
      }
    });

    test('the stream ends with the session, and without one there is none', async () => {
      const other = await signIn(t, (await createAccount(t, 'expert')).email);
      const stream = await open(port, other);
      await stream.until(() => stream.events.length >= 1);
      const out = await call(t, other, 'DELETE', '/api/session');
      assert.equal(out.statusCode, 204, out.body);
      await stream.until(() => stream.ended);
      assert.equal(stream.events.at(-1), 'ended');
      await assert.rejects(open(port, other), /answered 401/);
      await assert.rejects(open(port, { cookie: undefined, csrf: undefined } as unknown as Browser), /answered 401/);
    });
  });
}
