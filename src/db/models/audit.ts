import mongoose, { Schema } from 'mongoose';
import { opts } from './options';

const auditSchema = new Schema(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    actor: { keyId: String, role: String },
    action: { type: String, required: true },
    before: { type: Schema.Types.Mixed },
    after: { type: Schema.Types.Mixed },
    at: { type: Date, required: true },
  },
  opts,
);
auditSchema.index({ workspaceId: 1, at: -1 });
export const AuditEntry = mongoose.model('AuditEntry', auditSchema);
