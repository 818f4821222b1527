/**
 * Live fan-out of new-message notices between the node that accepted a message and the nodes
 * holding WebSocket subscribers. Notices carry ids only, never plaintext: the subscriber's
 * node reads and decrypts.
 */
import type { MessageNotice } from '../domain/types.js';

export type NoticeListener = (notice: MessageNotice) => void;

export interface EventBus {
  publish(notice: MessageNotice): Promise<void>;
  /** Listens for notices of one mailbox; returns the unsubscribe function. */
  subscribe(mailboxId: string, listener: NoticeListener): Promise<() => void>;
  close(): Promise<void>;
}
