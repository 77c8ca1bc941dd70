// Words a person reads for the API's enums, from the catalogue of the chosen language.
import { t, has } from './i18n.js';

/** The channel's state as the settings page names it; "Disabled" is a connected channel with sending off. */
export function channelStatus(channel) {
  const key = channel.status === 'connected' ? (channel.enabled ? 'connected' : 'disabled') : channel.status === 'disconnected' ? 'disconnected' : 'not_configured';
  return { key, label: t(`channelStatus.${key}`) };
}

export const typeLabel = (type) => t(`numberType.${type}`);
export const numberLabel = (n) => t('number.label', { e164: n.e164, kind: t(`numberKind.${n.kind}`), type: typeLabel(n.type), country: n.country });
export const requestStatus = (status) => t(`requestStatus.${status}`);
export const messageStatus = (status) => t(`messageStatus.${status}`);

export const FINAL_MESSAGE_STATUSES = new Set(['delivered', 'undelivered', 'failed', 'expired', 'cancelled', 'received', 'read', 'canceled']);

/** Each channel's icon; SMS is the 💬 speech balloon the product uses. */
const ICONS = { sms: '💬', webchat: '🌐', whatsapp: '🟢', messenger: '🔵', instagram: '📷' };
export const channelOf = (c) => ({ icon: ICONS[c] ?? '✉️', label: t(`channel.${c}`) });

/**
 * Why a message did not arrive, in words: the console's own sentence for the provider's error code
 * (the API's sentence is English), followed by the code for support.
 */
export function failureReason(m) {
  const code = (m.error && m.error.code) || m.errorCode;
  if (!code) return t('carrier.none');
  if (!has(`carrier.${code}`)) return t('carrier.other', { code: String(code) });
  return t('carrier.withCode', { sentence: t(`carrier.${code}`), code: String(code) });
}
