import assert from 'node:assert/strict';
import mongoose from 'mongoose';
import { Conversation } from '../src/db/models';
import { useServers } from './support/global-servers';

/**
 * What the product relies on from its database, checked on the server the tests run on. MongoDB
 * gives all of it; the embedded FerretDB gives it only with the fixes scripts/tools.sh builds in
 * (scripts/ferretdb/*.patch), and each test here fails on a build without them.
 */
describe('The database server the tests run on', () => {
  const RACERS = 20;
  let client: mongoose.mongo.MongoClient;
  let races: mongoose.mongo.Collection<{ _id: string; n?: number; version?: number; state?: string }>;

  before(async () => {
    await useServers();
    // Enough connections that every racer's command is at the server at once.
    client = new mongoose.mongo.MongoClient(process.env.MONGODB_URI!, { maxPoolSize: RACERS * 2, minPoolSize: RACERS });
    await client.connect();
    races = client.db().collection('races');
    await races.deleteMany({});
    // Open the pool's connections before the races start.
    await Promise.all(Array.from({ length: RACERS }, () => races.findOne({ _id: 'warm-up' })));
  });

  after(async () => {
    await races.drop().catch(() => undefined);
    await client.close();
  });

  async function explainFind(filter: Record<string, unknown>) {
    await Conversation.init();
    const explained = await mongoose.connection.db!.command({ explain: { find: Conversation.collection.collectionName, filter } });
    return JSON.stringify(explained.queryPlanner);
  }

  it('then a read by _id is answered from the index, not by scanning the collection', async () => {
    const plan = await explainFind({ _id: 'conv_probe' });
    // FerretDB shows SQLite's plan ("SEARCH ... USING INDEX" vs "SCAN"); MongoDB an _id index stage.
    assert.match(plan, /USING INDEX|IDHACK|EXPRESS_IXSCAN|IXSCAN/, plan);
    assert.doesNotMatch(plan, /detail=SCAN|COLLSCAN/, plan);
  });

  it('then a filter on _id and another field (a compare-and-set) is answered from the _id index too', async () => {
    const plan = await explainFind({ _id: 'conv_probe', revision: 3 });
    assert.match(plan, /USING INDEX|IDHACK|EXPRESS_IXSCAN|IXSCAN/, plan);
    assert.doesNotMatch(plan, /detail=SCAN|COLLSCAN/, plan);
  });

  it('then a read of several ids ($in) is answered from the _id index too', async () => {
    const plan = await explainFind({ _id: { $in: ['conv_a', 'conv_b', 'conv_c'] } });
    assert.match(plan, /USING INDEX|IDHACK|EXPRESS_IXSCAN|IXSCAN/, plan);
    assert.doesNotMatch(plan, /detail=SCAN|COLLSCAN/, plan);
  });

  it('when many clients $inc one field of one document at once, then no increment is lost', async () => {
    await races.insertOne({ _id: 'counter', n: 0 });
    const EACH = 25;
    await Promise.all(
      Array.from({ length: RACERS }, async () => {
        for (let i = 0; i < EACH; i++) await races.updateOne({ _id: 'counter' }, { $inc: { n: 1 } });
      }),
    );
    assert.equal((await races.findOne({ _id: 'counter' }))?.n, RACERS * EACH);
  });

  it('when many clients compare-and-set one document from the same version, then exactly one wins each round', async () => {
    await races.insertOne({ _id: 'cas', version: 0 });
    for (let round = 0; round < 5; round++) {
      const outcomes = await Promise.all(
        Array.from({ length: RACERS }, (_, i) =>
          i % 2
            ? races.findOneAndUpdate({ _id: 'cas', version: round }, { $inc: { version: 1 } }).then((doc) => (doc ? 1 : 0))
            : races.updateOne({ _id: 'cas', version: round }, { $inc: { version: 1 } }).then((r) => r.modifiedCount),
        ),
      );
      assert.equal(
        outcomes.reduce((a, b) => a + b, 0),
        1,
        `round ${round}: ${outcomes.join('')}`,
      );
    }
    assert.equal((await races.findOne({ _id: 'cas' }))?.version, 5);
  });

  it('when a filtered delete races a conditional update of the same document, then exactly one of them applies', async () => {
    for (let round = 0; round < 5; round++) {
      const _id = `hold-${round}`;
      await races.insertOne({ _id, state: 'reserved' });
      const outcomes = await Promise.all(
        Array.from({ length: RACERS }, (_, i) =>
          i % 2
            ? races.deleteOne({ _id, state: 'reserved' }).then((r) => r.deletedCount)
            : races.updateOne({ _id, state: 'reserved' }, { $set: { state: 'held' } }).then((r) => r.modifiedCount),
        ),
      );
      assert.equal(
        outcomes.reduce((a, b) => a + b, 0),
        1,
        `round ${round}: ${outcomes.join('')}`,
      );
    }
  });

  it('when many clients upsert one missing document at once, then it is created once and every change applies', async () => {
    await Promise.all(
      Array.from({ length: RACERS }, () => races.findOneAndUpdate({ _id: 'upserted' }, { $inc: { n: 1 } }, { upsert: true, returnDocument: 'after' })),
    );
    assert.equal((await races.findOne({ _id: 'upserted' }))?.n, RACERS);
  });
});
