import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { opts } from './options';
import { ROLES } from '../../vocabulary';

const workspaceSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    /** ISO country used to read national phone numbers typed by agents. */
    defaultCountry: { type: String, required: true, default: 'US' },
    addons: {
      sms: {
        active: { type: Boolean, required: true, default: false },
        changedAt: { type: Date },
      },
    },
    /** Answer to HELP / INFO keywords. */
    helpText: { type: String },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  opts,
);
export const Workspace = mongoose.model('Workspace', workspaceSchema);
export type WorkspaceDoc = InferSchemaType<typeof workspaceSchema>;

const apiKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Absent for platform support keys, which belong to no workspace. */
    workspaceId: { type: String },
    role: { type: String, enum: ROLES, required: true },
    /** SHA-256 of the key: keys are 192-bit random, so a fast hash is enough and lookups stay O(1). */
    hash: { type: String, required: true, unique: true },
    label: { type: String },
    email: { type: String },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  opts,
);
export const ApiKey = mongoose.model('ApiKey', apiKeySchema);
