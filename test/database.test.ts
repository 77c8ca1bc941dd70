import assert from 'node:assert/strict';
import mongoose from 'mongoose';
import { Conversation } from '../src/db/models';

/**
 * The design reads hot documents by _id (contacts, thread hints, conversations, messages by provider
 * id) because that is the one lookup every MongoDB-compatible server answers from an index. On the
 * embedded FerretDB this holds only with the fix scripts/tools.sh applies when building it.
 */
describe('The database server the tests run on', () => {
  it('then a read by _id is answered from the index, not by scanning the collection', async () => {
    await Conversation.init();
    const explained = await mongoose.connection.db!.command({ explain: { find: Conversation.collection.collectionName, filter: { _id: 'conv_probe' } } });
    const plan = JSON.stringify(explained.queryPlanner);
    // FerretDB shows SQLite's plan ("SEARCH ... USING INDEX" vs "SCAN"); MongoDB an _id index stage.
    assert.match(plan, /USING INDEX|IDHACK|EXPRESS_IXSCAN|IXSCAN/, plan);
    assert.doesNotMatch(plan, /detail=SCAN|COLLSCAN/, plan);
  });
});
