// Words a person reads for the API's enums.

/** The channel's state as the settings page names it; "Disabled" is a connected channel with sending off. */
export function channelStatus(channel) {
  if (channel.status === 'connected') return channel.enabled ? { key: 'connected', label: 'Connected' } : { key: 'disabled', label: 'Disabled' };
  if (channel.status === 'disconnected') return { key: 'disconnected', label: 'Disconnected' };
  return { key: 'not_configured', label: 'Not configured' };
}

const KINDS = { shared: 'Shared number', custom: 'Your custom number', byo: 'Your own number' };
const TYPES = { local: 'local', toll_free: 'toll-free', short_code: 'short code', alphanumeric: 'alphanumeric sender ID' };

export const numberLabel = (n) => `${n.e164} · ${KINDS[n.kind] ?? n.kind}, ${TYPES[n.type] ?? n.type} (${n.country})`;
export const typeLabel = (t) => TYPES[t] ?? t;

export const REQUEST_STATUS = {
  pending_approval: 'Waiting for approval',
  provisioning: 'Provisioning',
  completed: 'Completed',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
  expired: 'Expired',
  failed: 'Failed',
};

export const MESSAGE_STATUS = {
  accepted: 'Accepted',
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  undelivered: 'Not delivered',
  failed: 'Failed',
  expired: 'Expired',
  received: 'Received',
  read: 'Read',
  canceled: 'Canceled',
};
export const FINAL_MESSAGE_STATUSES = new Set(['delivered', 'undelivered', 'failed', 'expired', 'received', 'read', 'canceled']);

/** Each channel's icon and name; SMS is the 💬 speech balloon the product uses. */
export const CHANNELS = {
  sms: { icon: '💬', label: 'SMS' },
  webchat: { icon: '🌐', label: 'Web chat' },
  whatsapp: { icon: '🟢', label: 'WhatsApp' },
  messenger: { icon: '🔵', label: 'Messenger' },
  instagram: { icon: '📷', label: 'Instagram' },
};
export const channelOf = (c) => CHANNELS[c] ?? { icon: '✉️', label: c };

/** Why a message did not arrive, in words: the API's sentence first, then the bare code. */
export function failureReason(m) {
  const sentence = (m.error && m.error.message) || m.errorMessage || m.reason;
  const code = (m.error && m.error.code) || m.errorCode;
  if (sentence) return code ? `${sentence} (code ${code})` : sentence;
  return code ? `The carrier reported error ${code}.` : 'The carrier gave no reason.';
}
