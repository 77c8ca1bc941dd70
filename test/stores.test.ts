import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { useServers } from './support/global-servers';
import { Contact, Conversation, Message } from '../src/db/models';
import { findOrCreateContact, openThread } from '../src/inbox/threads';
import { receiveMessage } from '../src/inbox/receive';
import { findContact, setContactName, setOptOut } from '../src/inbox/store/contacts';
import { moveMessage } from '../src/inbox/store/messages';
import { touchThread } from '../src/inbox/store/threads';
import { insertSession, sessionByTokenHash } from '../src/webchat/store';
import { accountOfWorkspace, deleteAccount, insertAccount, replaceToken } from '../src/provider/store';
import { insertOwnNumber, numberUsableBy, ownNumbers } from '../src/numbers/store';

/*
 * The stores' tenant guard: a function over a workspace's data, called with another workspace's id
 * and this workspace's ids, finds nothing and changes nothing. (The routes are swept the same way
 * by tenancy.test.ts; this checks the layer below, which every path goes through.)
 */
describe("The stores: another workspace's id finds and changes nothing", () => {
  const mine = `ws_${randomBytes(8).toString('hex')}`;
  const other = `ws_${randomBytes(8).toString('hex')}`;
  const address = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

  before(useServers);

  it('then a contact is neither read, renamed nor opted out through another workspace', async () => {
    const contact = await findOrCreateContact(mine, address);
    assert.equal(await findContact(other, contact._id), null);
    await setContactName(other, contact._id, 'Mallory');
    await setOptOut(other, contact._id, true, new Date());
    const stored = await Contact.findById(contact._id).lean();
    assert.equal(stored?.name, undefined);
    assert.equal(stored?.optedOut, false);

    await setOptOut(mine, contact._id, true, new Date());
    assert.equal((await Contact.findById(contact._id).lean())?.optedOut, true);
  });

  it("then a thread is not moved forward, nor a message moved, through another workspace", async () => {
    const received = await receiveMessage({ workspaceId: mine, channel: 'sms', from: address, to: '+15550000000', body: 'hello' });
    const before = await Conversation.findById(received.conversationId).lean();
    assert.equal(await touchThread(other, received.conversationId, { at: new Date(Date.now() + 60_000), preview: 'not yours', inbound: true }), false);
    assert.deepEqual(await Conversation.findById(received.conversationId).lean(), before);

    const elsewhere = await openThread(other, 'sms', await findOrCreateContact(other, address));
    await moveMessage(other, received.messageId, elsewhere._id);
    assert.equal((await Message.findById(received.messageId).lean())?.conversationId, received.conversationId);
  });

  it("then a web-chat session is found only in its own workspace's chat", async () => {
    const session = { _id: `wcs_${randomBytes(8).toString('hex')}`, tokenHash: randomBytes(32).toString('hex'), contactId: 'ct_visitor', createdAt: new Date() };
    await insertSession(mine, session);
    assert.equal(await sessionByTokenHash(other, session.tokenHash), null);
    assert.equal((await sessionByTokenHash(mine, session.tokenHash))?._id, session._id);
  });

  it("then a provider account's token is not replaced, nor the account deleted, through another workspace", async () => {
    const accountSid = `AC${randomBytes(16).toString('hex')}`;
    await insertAccount(mine, accountSid, 'sealed-by-mine', new Date());
    assert.equal(await accountOfWorkspace(other), null);
    await replaceToken(other, accountSid, 'sealed-by-other', new Date());
    await deleteAccount(other, accountSid);
    assert.equal((await accountOfWorkspace(mine))?.sealedToken, 'sealed-by-mine');
  });

  it("then a workspace's own number is neither listed for nor usable by another workspace", async () => {
    const number = await insertOwnNumber(mine, { e164: address, kind: 'custom', type: 'local', country: 'US', accountSid: `AC${'1'.repeat(32)}` });
    assert.equal(await numberUsableBy(other, number._id), null);
    assert.deepEqual(await ownNumbers(other), []);
    assert.equal((await numberUsableBy(mine, number._id))?._id, number._id);
  });
});
