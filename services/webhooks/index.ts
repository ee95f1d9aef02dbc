/** The webhooks module's public entry point, for the services that send (detector, reporter) and tests. */

export type { DeliveryStatus } from '../platform/store/alert-deliveries.js'
export { deliveryId, type MessageType, type ReportReady, type WebhookMessage } from './messages.js'
export { createDeliveryOutbox, type DeliveryOutbox, type DeliveryOutboxOptions } from './outbox.js'
export { verifyStandardWebhook, type HeaderSource, type StandardWebhookVerification } from './signing.js'
