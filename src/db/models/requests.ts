import mongoose, { Schema } from 'mongoose';
import { opts } from './options';
import { REQUEST_STATUSES } from '../../vocabulary';

const numberRequestSchema = new Schema(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    requestedBy: { keyId: String, email: String },
    country: { type: String, required: true },
    type: { type: String, required: true },
    areaCode: { type: String },
    region: { type: String },
    senderId: { type: String },
    note: { type: String },
    status: { type: String, enum: REQUEST_STATUSES, required: true },
    /** Counted by the per-workspace limit while true. */
    open: { type: Boolean, required: true },
    /**
     * The limit itself: "0".."limit-1" while open, the request's own id once closed. With the unique
     * index below, a workspace cannot hold more open requests than slots, even under concurrent posts.
     */
    openSlot: { type: String, required: true },
    numberId: { type: String },
    e164: { type: String },
    reason: { type: String },
    timeline: [{ _id: false, at: Date, actor: String, step: String, detail: String }],
    /** The workflow's snapshot counter: an older (retried) write never overwrites a newer one. */
    revision: { type: Number, required: true, default: 0 },
    /** Mails already sent for this request ('completed', 'expired', 'reminder-1'…): each goes out once. */
    mailsSent: { type: [String], default: undefined },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  opts,
);
numberRequestSchema.index({ workspaceId: 1, createdAt: -1 });
numberRequestSchema.index({ status: 1, createdAt: 1 });
numberRequestSchema.index({ workspaceId: 1, openSlot: 1 }, { unique: true });
export const NumberRequest = mongoose.model('NumberRequest', numberRequestSchema);
