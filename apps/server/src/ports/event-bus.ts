/**
 * Live fan-out between nodes. Notices carry ids only, never plaintext.
 * - New-message notices go from the node that accepted a message to the nodes holding
 *   WebSocket subscribers of that mailbox; the subscriber's node reads and decrypts.
 * - Mailbox-gone notices go from the node that deleted or swept a mailbox to every node
 *   (the publisher included), since any node may hold decrypted data of any mailbox.
 */
import type { MailboxGoneNotice, MessageNotice } from '../domain/types.js';

export type NoticeListener = (notice: MessageNotice) => void;
export type MailboxGoneListener = (notice: MailboxGoneNotice) => void;

export interface EventBus {
  publish(notice: MessageNotice): Promise<void>;
  /** Listens for notices of one mailbox; returns the unsubscribe function. */
  subscribe(mailboxId: string, listener: NoticeListener): Promise<() => void>;
  /** Tells every node's mailbox-gone listeners, this node's included. */
  publishMailboxGone(notice: MailboxGoneNotice): Promise<void>;
  /**
   * Listens for mailbox-gone notices of every mailbox; resolves once notices published
   * afterwards will arrive, with the unsubscribe function.
   */
  subscribeMailboxGone(listener: MailboxGoneListener): Promise<() => void>;
  close(): Promise<void>;
}
