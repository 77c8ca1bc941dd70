import mongoose from 'mongoose';
import './models';
import { profileCommands } from './profile';

/** Connects and makes sure every unique index exists before anything relies on it. */
export async function connectDatabase(uri: string): Promise<typeof mongoose> {
  mongoose.set('strictQuery', true);
  const profiling = Boolean(process.env.DB_PROFILE);
  await mongoose.connect(uri, { serverSelectionTimeoutMS: 10_000, monitorCommands: profiling });
  if (profiling) profileCommands(mongoose);
  await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
  return mongoose;
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}
